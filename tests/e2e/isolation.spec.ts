import { expect, test, type Page } from "@playwright/test";
import { AuthPage, ChatPage } from "./pages";

/** Two users in two browser contexts: neither can read, change or delete the other's conversations. */
test("a second user can neither read, change nor delete the first user's conversation", async ({ browser }) => {
  test.setTimeout(120_000);
  const alicePage = await (await browser.newContext()).newPage();
  const bobPage = await (await browser.newContext()).newPage();
  await new AuthPage(alicePage).register();
  await new AuthPage(bobPage).register();
  const alice = new ChatPage(alicePage);
  const bob = new ChatPage(bobPage);

  await alice.send("Alice's secret plan");
  const aliceId = await alice.conversationId();
  await bob.send("Bob's own chat");
  const bobId = await bob.conversationId();

  // Direct URL and sidebar/search.
  expect((await bobPage.goto(`/chat/${aliceId}`))?.status()).toBe(404);
  await bobPage.goto(`/chat/${bobId}`);
  await bobPage.getByLabel("Search conversations").fill("secret plan");
  await expect(bobPage.getByRole("region", { name: "Search results" })).toContainText("No conversations match.");
  await bobPage.getByLabel("Search conversations").fill("");
  await expect(bob.sidebarLink("Bob's own chat")).toBeVisible();
  await expect(bob.sidebarLink("Alice's secret plan")).toHaveCount(0);

  // The chat route: sending into, or regenerating in, Alice's conversation.
  const send = await bobPage.request.post("/api/chat", { data: { id: aliceId, trigger: "submit-message", model: "GLM-4-Air",
    message: { id: `intruder-${Date.now()}`, role: "user", parts: [{ type: "text", text: "injected" }] } } });
  expect(send.status()).toBe(404);
  const regen = await bobPage.request.post("/api/chat", { data: { id: aliceId, trigger: "regenerate-message", model: "GLM-4-Air" } });
  expect(regen.status()).toBe(404);

  // Every server action, replayed by Bob with Alice's conversation id in place of his own.
  await replayWithOtherId(bobPage, bobId, aliceId, async () => {
    await bob.chooseModel("GLM-4-Long");
    await bobPage.getByRole("button", { name: "Conversation settings" }).click();
    await bobPage.getByLabel("System prompt").fill("hijacked");
    await bobPage.getByRole("button", { name: "Save settings" }).click();
    await bob.sidebarItem("Bob's own chat").getByRole("button", { name: "Rename" }).click();
    await bobPage.getByLabel("Title").fill("pwned");
    await bobPage.getByRole("button", { name: "Save" }).click();
    await expect(bobPage.getByRole("dialog").getByRole("alert")).toContainText("does not exist");
    await bobPage.keyboard.press("Escape");
    await bob.sidebarItem("Bob's own chat").getByRole("button", { name: "Delete" }).click();
    await bobPage.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
    await expect(bobPage.getByRole("dialog").getByRole("alert")).toContainText("does not exist");
  });

  // Alice's conversation is untouched: same title, model, settings and messages.
  await alicePage.reload();
  await expect(alice.sidebarLink("Alice's secret plan")).toBeVisible();
  await expect(alice.modelPicker).toHaveText("GLM-4-Flash");
  await expect(alice.userMessages).toHaveText(["Alice's secret plan"]);
  await expect(alice.assistantMessages).toHaveCount(1);
  await alicePage.getByRole("button", { name: "Conversation settings" }).click();
  await expect(alicePage.getByLabel("System prompt")).toHaveValue("");
  // And Bob's own conversation was not touched by the rewritten requests either.
  await bobPage.goto(`/chat/${bobId}`);
  await expect(bob.sidebarLink("Bob's own chat")).toBeVisible();
});

/** Rewrites every server-action request the page makes so that it targets `to` instead of `from`. */
async function replayWithOtherId(page: Page, from: string, to: string, act: () => Promise<void>) {
  let rewritten = 0;
  await page.route("**/*", async (route) => {
    const req = route.request();
    const body = req.postData();
    if (req.method() === "POST" && req.headers()["next-action"] && body?.includes(from)) {
      rewritten++;
      return route.continue({ postData: body.replaceAll(from, to) });
    }
    return route.continue();
  });
  await act();
  await page.unroute("**/*");
  expect(rewritten).toBeGreaterThanOrEqual(4);
}
