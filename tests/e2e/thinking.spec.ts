import { expect, test } from "./fixtures";
import { ChatPage, SharedConversationPage } from "./pages";

test.use({ signedInAs: "fresh" });

/**
 * A reply's reasoning folds under a button named "Thought for …" that opens it; with Web search on, the
 * reply lists its sources as links. Both are saved: a reload and a share page show them again.
 * (GLM-4-Flash with the stand-in's [fixture:reasoning]: no model of the catalogue thinks yet.)
 */
test("reasoning folds under 'Thought…', web sources are links; a reload and a share page keep both", async ({
  page,
  openPage,
}) => {
  const chat = new ChatPage(page);
  await chat.open();
  await chat.send("[fixture:reasoning] hi");
  const first = chat.lastReply();
  const fold = first.getByRole("button", { name: /^Thought/ });
  await expect(fold).toHaveAttribute("aria-expanded", "false");
  await expect(first.getByText(/I should answer briefly/)).toBeHidden();
  await fold.click();
  await expect(fold).toHaveAttribute("aria-expanded", "true");
  await expect(first.getByText(/I should answer briefly/)).toBeVisible();
  await fold.click();
  await expect(first.getByText(/I should answer briefly/)).toBeHidden();

  const webSearch = page.getByRole("button", { name: "Web search" });
  await expect(webSearch).toHaveAttribute("aria-pressed", "false");
  await webSearch.click();
  await expect(webSearch).toHaveAttribute("aria-pressed", "true");
  await chat.send("What is new in GLM-4?");
  const searched = chat.lastReply();
  const source = searched.getByRole("link", { name: "GLM-4 model overview" });
  await expect(source).toHaveAttribute("href", "https://example.com/glm-4");
  await expect(source).toHaveAttribute("target", "_blank");
  await expect(source).toHaveAttribute("rel", "noopener noreferrer nofollow");
  // The source without a link is not a link; the site is named beside the title.
  await expect(searched.getByRole("link")).toHaveCount(1);
  await expect(searched.getByRole("region", { name: "Sources" })).toContainText("Example Docs");
  await expect(searched.getByRole("img")).toHaveCount(0);

  await page.reload();
  await expect(chat.assistantMessages).toHaveCount(2);
  await expect(chat.assistantMessages.first().getByRole("button", { name: /^Thought/ })).toBeVisible();
  await expect(chat.lastReply().getByRole("link", { name: "GLM-4 model overview" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Web search" })).toHaveAttribute("aria-pressed", "true");

  const dialog = await chat.openShareDialog();
  const link = await dialog.createLink();
  const readerPage = await openPage();
  await readerPage.goto(link);
  const shared = new SharedConversationPage(readerPage);
  const sharedFold = shared.assistantMessages.first().getByRole("button", { name: /^Thought/ });
  await sharedFold.click();
  await expect(shared.assistantMessages.first().getByText(/I should answer briefly/)).toBeVisible();
  await expect(shared.assistantMessages.last().getByRole("link", { name: "GLM-4 model overview" })).toHaveAttribute(
    "rel",
    "noopener noreferrer nofollow",
  );
});

test("Stop while it thinks keeps how long it thought: the fold says so after a reload", async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.open();
  // Twelve reasoning words 300 ms apart: about 3.6 s of thinking, stopped after more than one.
  await chat.send(`[fixture:reasoning][delay:300] think slowly ${Date.now()}`, { wait: false });
  const thinking = chat.lastReply().getByRole("button", { name: /^Thinking/ });
  await expect(thinking).toBeVisible();
  await expect(chat.lastReply().getByText(/characters\. I should/)).toBeAttached({ timeout: 10_000 });
  await chat.stopButton.click();
  await chat.waitForIdle();
  await page.reload();
  await expect(chat.lastReply().getByRole("button", { name: /^Thought for \d+ s/ })).toBeVisible();
});
