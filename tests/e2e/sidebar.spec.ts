import type { APIRequestContext } from "@playwright/test";
import { expect, test } from "./fixtures";
import { ChatPage } from "./pages";

/** One turn through the chat route itself, with the page's session; waits for the whole reply. */
async function chatTurn(request: APIRequestContext, conversationId: string, messageId: string, text: string) {
  const res = await request.post("/api/chat", {
    data: {
      id: conversationId,
      trigger: "submit-message",
      model: "GLM-4-Flash",
      message: { id: messageId, role: "user", parts: [{ type: "text", text }] },
    },
  });
  expect(res.status()).toBe(200);
  await res.body();
}

test.describe("on an account of its own (the whole sidebar is checked)", () => {
  test.use({ signedInAs: "fresh" });

  test.beforeEach(async ({ page }) => {
    await new ChatPage(page).open();
  });

  test("rename, delete with confirmation, and search over titles and message text", async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.send("Planning a trip to Kyoto 京都の紅葉");
    const kyoto = await chat.conversationId();
    await chat.newChat();
    await chat.send("Recipe for mapo tofu");
    const tofu = await chat.conversationId();

    const sidebar = page.getByRole("navigation", { name: "Conversation list" });
    await expect(sidebar.getByRole("region", { name: "Today" }).getByRole("link")).toHaveText([
      "Recipe for mapo tofu",
      "Planning a trip to Kyoto 京都の紅葉",
    ]);

    // Each row's buttons say which conversation they act on.
    await chat
      .sidebarItem("Recipe for mapo tofu")
      .getByRole("button", { name: "Rename “Recipe for mapo tofu”", exact: true })
      .click();
    await page.getByLabel("Title").fill("Sichuan dinner");
    await page.getByRole("button", { name: "Save" }).click();
    await expect(chat.sidebarLink("Sichuan dinner")).toBeVisible();
    await page.reload();
    await expect(chat.sidebarLink("Sichuan dinner")).toBeVisible();
    await expect(page.getByRole("heading", { name: "Sichuan dinner" })).toBeVisible();

    const search = page.getByLabel("Search conversations");
    const results = page.getByRole("region", { name: "Search results" });
    /** The one result, named by its title; its description is the words around the match (none for a title). */
    const onlyResult = async (title: string, snippet: RegExp | "") => {
      await expect(results.getByRole("link")).toHaveCount(1);
      const link = results.getByRole("link", { name: title, exact: true });
      await expect(link).toHaveAccessibleDescription(snippet);
    };
    await search.fill("mapo");
    await onlyResult("Sichuan dinner", /mapo tofu/i);
    await search.fill("紅葉");
    await onlyResult("Planning a trip to Kyoto 京都の紅葉", /京都の紅葉/);
    await search.fill("sichuan");
    await onlyResult("Sichuan dinner", "");
    await search.fill("京都の紅");
    await onlyResult("Planning a trip to Kyoto 京都の紅葉", /京都の紅/);
    await search.fill("nothing like this");
    await expect(results).toContainText("No conversations match.");
    await search.fill("");

    await chat.sidebarItem("Sichuan dinner").getByRole("button", { name: "Delete" }).click();
    const dialog = page.getByRole("dialog", { name: "Delete conversation?" });
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(chat.sidebarLink("Sichuan dinner")).toBeVisible();
    await chat.sidebarItem("Sichuan dinner").getByRole("button", { name: "Delete" }).click();
    await dialog.getByRole("button", { name: "Delete" }).click();
    await expect(chat.sidebarLink("Sichuan dinner")).toHaveCount(0);
    // Its row, which opened the dialog, is gone: focus moves to the next conversation, not to the page's body.
    await expect(chat.sidebarLink("Planning a trip to Kyoto 京都の紅葉")).toBeFocused();
    await expect(page).toHaveURL(/\/$/);
    const gone = await page.goto(`/chat/${tofu}`);
    expect(gone?.status()).toBe(404);
    const kept = await page.goto(`/chat/${kyoto}`);
    expect(kept?.status()).toBe(200);
  });

  test("the sidebar pages through many conversations", async ({ page }) => {
    const chat = new ChatPage(page);
    // 55 conversations through the chat route itself (page.request shares the browser's session cookie):
    // four at a time, then the 55th alone, so that it is the latest.
    const run = Date.now();
    const bulk = (i: number) => chatTurn(page.request, `bulk-${run}-${i}`, `m-${run}-${i}`, `Bulk conversation ${i}`);
    for (let i = 0; i < 54; i += 4) await Promise.all([i, i + 1, i + 2, i + 3].filter((n) => n < 54).map(bulk));
    await bulk(54);
    await page.reload();
    const links = page.getByRole("navigation", { name: "Conversation list" }).getByRole("link");
    await expect(links.first()).toHaveText("Bulk conversation 54");
    await page
      .getByRole("navigation", { name: "Conversation list" })
      .getByRole("link")
      .nth(49)
      .scrollIntoViewIfNeeded();
    await expect(links).toHaveCount(55);
    await expect(chat.sidebarLink("Bulk conversation 0")).toBeVisible();
  });
});

test.describe("as the seeded member (one conversation of its own)", () => {
  test.use({ signedInAs: "member" });

  test("a long conversation opens on its latest messages and loads earlier ones on demand", async ({ page }) => {
    const chat = new ChatPage(page);
    const id = `long-${Date.now()}`;
    for (let i = 0; i < 31; i++) await chatTurn(page.request, id, `${id}-m${i}`, `Turn ${i}`);
    await page.goto(`/chat/${id}`);
    await expect(chat.userMessages).toHaveCount(30);
    await expect(chat.userMessages.first()).toHaveText(/^Turn 1$/m);
    // A click that lands before the page has hydrated does nothing (the button is server-rendered): click
    // again only if no earlier message arrived within 5 s.
    await expect(async () => {
      await page.getByRole("button", { name: "Load earlier messages" }).click();
      await expect(chat.userMessages).toHaveCount(31, { timeout: 5_000 });
    }).toPass({ timeout: 20_000 });
    await expect(chat.userMessages.first()).toContainText("Turn 0");
    await expect(page.getByRole("button", { name: "Load earlier messages" })).toHaveCount(0);
    await chat.send("and one more");
    await expect(chat.lastReply()).toContainText("and one more");
  });

  test("loading earlier messages keeps the reader where they were", async ({ page }) => {
    test.setTimeout(120_000);
    const chat = new ChatPage(page);
    const id = `older-${Date.now()}`;
    for (let i = 0; i < 60; i++) await chatTurn(page.request, id, `${id}-m${i}`, `Turn ${i}`);
    await page.goto(`/chat/${id}`);
    await expect(chat.userMessages).toHaveCount(30);
    const reading = chat.userMessages.filter({ hasText: /^Turn 30$/m });
    await reading.scrollIntoViewIfNeeded();
    await expect(async () => {
      await page.getByRole("button", { name: "Load earlier messages" }).click();
      await expect(chat.userMessages).toHaveCount(60, { timeout: 5_000 });
    }).toPass({ timeout: 20_000 });
    // Thirty turns arrived above: the one being read is still on the screen, the oldest is not.
    await expect(reading).toBeInViewport();
    await expect(chat.userMessages.filter({ hasText: /^Turn 0$/m })).not.toBeInViewport();
  });
});
