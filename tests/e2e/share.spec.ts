import { expect, test, type Browser, type Page } from "@playwright/test";
import { AuthPage, ChatPage, PASSWORD, uniqueEmail } from "./pages";

async function signedIn(browser: Browser, email = uniqueEmail()) {
  const page = await (await browser.newContext()).newPage();
  await new AuthPage(page).register(email);
  return { page, chat: new ChatPage(page), email };
}

async function shareLink(page: Page) {
  await page.getByRole("button", { name: "Share" }).click();
  const dialog = page.getByRole("dialog", { name: "Share conversation" });
  await dialog.getByRole("button", { name: "Create link" }).click();
  const link = await dialog.getByRole("textbox", { name: "Share link" }).inputValue();
  expect(link).toMatch(/\/share\/[A-Za-z0-9_-]{24}$/);
  return { dialog, link };
}

test("share a snapshot, update it, stop sharing; readers need no account", async ({ browser }) => {
  test.setTimeout(120_000);
  const { page, chat, email } = await signedIn(browser);
  await chat.chooseModel("GLM-4-Plus");
  await chat.send("What is GLM-4?");
  await chat.chooseModel("GLM-4-Long");
  await chat.send("And the long one?");
  const conversationId = await chat.conversationId();
  const { dialog, link } = await shareLink(page);

  const reader = await (await browser.newContext()).newPage();
  const res = await reader.goto(link);
  expect(res?.status()).toBe(200);
  await expect(reader.getByRole("heading", { level: 1 })).toHaveText("What is GLM-4?");
  await expect(reader.getByRole("article", { name: "User message" })).toHaveText([/What is GLM-4\?/, /And the long one\?/]);
  const replies = reader.getByRole("article", { name: "Assistant message" });
  await expect(replies).toHaveCount(2);
  await expect(replies.first()).toContainText("GLM-4-Plus");
  await expect(replies.last()).toContainText("GLM-4-Long");
  await expect(reader.getByText(/^Shared \w{3} \d+, \d{4}/)).toBeVisible(); // en-US, the reader's zone
  await expect(reader.getByRole("textbox")).toHaveCount(0);
  const html = await reader.content();
  expect(html).not.toContain(email);
  expect(html).not.toContain(conversationId);
  await expect(reader.locator('meta[name="robots"]')).toHaveAttribute("content", /noindex/);
  await expect(reader.locator('meta[property="og:title"]')).toHaveAttribute("content", "What is GLM-4?");

  // A later message is not in the snapshot until Update link; the URL stays the same.
  await dialog.press("Escape");
  await chat.send("A third question");
  await reader.reload();
  await expect(reader.getByRole("article", { name: "User message" })).toHaveCount(2);
  await page.getByRole("button", { name: "Share" }).click();
  await expect(dialog.getByRole("textbox", { name: "Share link" })).toHaveValue(link);
  await dialog.getByRole("button", { name: "Update link" }).click();
  await expect(dialog.getByRole("status")).toContainText("as it is now");
  await reader.reload();
  await expect(reader.getByRole("article", { name: "User message" })).toHaveCount(3);

  // The settings page lists it; Stop sharing makes it 404 at once.
  await page.goto("/settings/shares");
  const row = page.getByRole("row", { name: /What is GLM-4\?/ });
  await expect(row.getByRole("link", { name: "Open" })).toHaveAttribute("href", new URL(link).pathname);
  await row.getByRole("button", { name: "Stop sharing" }).click();
  await expect(page.getByRole("row", { name: /What is GLM-4\?/ })).toHaveCount(0);
  expect((await reader.goto(link))?.status()).toBe(404);
  await expect(reader.getByRole("heading", { name: "Not found" })).toBeVisible();
});

test("Stop sharing in the dialog, and deleting the conversation, both make the link 404", async ({ browser }) => {
  const { page, chat } = await signedIn(browser);
  await chat.send("short lived");
  const { dialog, link } = await shareLink(page);
  await dialog.getByRole("button", { name: "Stop sharing" }).click();
  await expect(dialog.getByRole("button", { name: "Create link" })).toBeVisible();
  const reader = await (await browser.newContext()).newPage();
  expect((await reader.goto(link))?.status()).toBe(404);

  const again = await dialog.getByRole("button", { name: "Create link" }).click().then(() =>
    dialog.getByRole("textbox", { name: "Share link" }).inputValue());
  expect(again).not.toBe(link);
  expect((await reader.goto(again))?.status()).toBe(200);
  await dialog.press("Escape");
  await chat.sidebarItem("short lived").getByRole("button", { name: "Delete" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
  await expect(chat.sidebarLink("short lived")).toHaveCount(0);
  expect((await reader.goto(again))?.status()).toBe(404);
  expect((await reader.goto("/share/notarealshareidnotarealshare"))?.status()).toBe(404);
});

test("a reader continues the conversation as their own copy, signing in first", async ({ browser }) => {
  test.setTimeout(120_000);
  const owner = await signedIn(browser);
  await owner.chat.chooseModel("GLM-4-AirX");
  await owner.chat.send("Original thread");
  const { link } = await shareLink(owner.page);

  const readerEmail = uniqueEmail("reader");
  const setup = await signedIn(browser, readerEmail);
  await setup.page.close();

  const reader = await (await browser.newContext()).newPage();
  await reader.goto(link);
  await reader.getByRole("button", { name: "Sign in to continue this conversation" }).click();
  await expect(reader).toHaveURL(/\/login\?next=/);
  await reader.getByLabel("Email").fill(readerEmail);
  await reader.getByLabel("Password").fill(PASSWORD);
  await reader.getByRole("button", { name: "Sign in" }).click();
  await expect(reader).toHaveURL(link);
  await reader.getByRole("button", { name: "Continue this conversation" }).click();
  await expect(reader).toHaveURL(/\/chat\/[\w-]+$/);
  const copy = new ChatPage(reader);
  await expect(copy.modelPicker).toHaveText("GLM-4-AirX");
  await expect(copy.userMessages).toHaveText(["Original thread"]);
  await expect(copy.assistantMessages).toHaveCount(1);
  await copy.send("My own follow-up");
  await expect(copy.lastReply()).toContainText("GLM-4-AirX");
  await reader.reload();
  await expect(copy.userMessages).toHaveCount(2);
  // The owner's conversation did not change.
  await owner.page.reload();
  await expect(owner.chat.userMessages).toHaveCount(1);
});

test("raw HTML in a shared title or message stays inert", async ({ browser }) => {
  const { page, chat } = await signedIn(browser);
  let dialogs = 0;
  const payload = `<img src=x onerror=alert(1)><script>alert(2)</script>`;
  await chat.send(payload);
  const { link } = await shareLink(page);
  const reader = await (await browser.newContext()).newPage();
  reader.on("dialog", (d) => {
    dialogs++;
    void d.dismiss();
  });
  await reader.goto(link);
  await expect(reader.getByRole("heading", { level: 1 })).toHaveText(payload);
  await expect(reader.getByRole("article", { name: "User message" })).toContainText(payload);
  await expect(reader.locator("main img")).toHaveCount(0);
  await expect(reader.locator("main script")).toHaveCount(0);
  expect(dialogs).toBe(0);
});

test("another user can neither list, update nor stop someone's share", async ({ browser }) => {
  test.setTimeout(120_000);
  const alice = await signedIn(browser);
  await alice.chat.send("Alice shares this");
  const aliceConversation = await alice.chat.conversationId();
  const { link } = await shareLink(alice.page);
  const aliceShare = new URL(link).pathname.split("/").pop()!;

  const bob = await signedIn(browser);
  await bob.chat.send("Bob's thread");
  const bobConversation = await bob.chat.conversationId();
  await bob.page.goto("/settings/shares");
  await expect(bob.page.getByText("You are not sharing any conversation")).toBeVisible();

  // Bob's own share requests, rewritten to target Alice's conversation and share.
  await bob.page.goto(`/chat/${bobConversation}`);
  let rewritten = 0;
  let bobShare = "";
  await bob.page.route("**/*", async (route) => {
    const req = route.request();
    const body = req.postData() ?? "";
    if (req.method() === "POST" && req.headers()["next-action"]) {
      const swapped = body.replaceAll(bobConversation, aliceConversation).replaceAll(bobShare || "\u0000", aliceShare);
      if (swapped !== body) rewritten++;
      return route.continue({ postData: swapped });
    }
    return route.continue();
  });
  await bob.page.getByRole("button", { name: "Share" }).click();
  const dialog = bob.page.getByRole("dialog", { name: "Share conversation" });
  // Reading Alice's share state through getShare answers "no link" and Create refuses her conversation.
  await dialog.getByRole("button", { name: "Create link" }).click();
  await expect(dialog.getByRole("alert")).toContainText("does not exist");
  await bob.page.unroute("**/*");
  await dialog.getByRole("button", { name: "Create link" }).click();
  bobShare = new URL(await dialog.getByRole("textbox", { name: "Share link" }).inputValue()).pathname.split("/").pop()!;
  await bob.page.route("**/*", async (route) => {
    const req = route.request();
    const body = req.postData() ?? "";
    if (req.method() === "POST" && req.headers()["next-action"]) {
      const swapped = body.replaceAll(bobConversation, aliceConversation).replaceAll(bobShare, aliceShare);
      if (swapped !== body) rewritten++;
      return route.continue({ postData: swapped });
    }
    return route.continue();
  });
  await dialog.getByRole("button", { name: "Update link" }).click();
  await expect(dialog.getByRole("alert")).toContainText("no shared link");
  await dialog.getByRole("button", { name: "Stop sharing" }).click();
  await expect(dialog.getByRole("alert")).toContainText("not shared");
  await bob.page.unroute("**/*");
  expect(rewritten).toBeGreaterThanOrEqual(4);

  const reader = await (await browser.newContext()).newPage();
  expect((await reader.goto(link))?.status()).toBe(200);
  await expect(reader.getByRole("article", { name: "User message" })).toHaveText([/Alice shares this$/]);
  await alice.page.goto("/settings/shares");
  await expect(alice.page.getByRole("row", { name: /Alice shares this/ })).toBeVisible();
  await expect(alice.page.getByRole("row", { name: /Bob/ })).toHaveCount(0);
});
