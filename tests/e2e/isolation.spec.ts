import { expect, test } from "./fixtures";
import { rewriteServerActions } from "./server-actions";

/** Two users in two browser contexts: neither can read, change or delete the other's conversations. */
test("a second user can neither read, change nor delete the first user's conversation", async ({ openSession }) => {
  test.setTimeout(120_000);
  // Two new accounts: Bob's sidebar and search must show nothing but his own.
  const { page: alicePage, chat: alice } = await openSession("fresh");
  const { page: bobPage, chat: bob } = await openSession("fresh");
  await alice.open();
  await bob.open();

  await alice.send("Alice's secret plan");
  const aliceId = await alice.conversationId();
  await bob.send("Bob's own chat");
  const bobId = await bob.conversationId();

  // Direct URL and sidebar/search.
  expect((await bobPage.goto(`/chat/${aliceId}`))?.status()).toBe(404);
  await bobPage.goto(`/chat/${bobId}`);
  await bob.searchBox.fill("secret plan");
  await expect(bob.searchResults).toContainText("No conversations match.");
  await bob.searchBox.fill("");
  await expect(bob.sidebarLink("Bob's own chat")).toBeVisible();
  await expect(bob.sidebarLink("Alice's secret plan")).toHaveCount(0);

  // The chat route: sending into, or regenerating in, Alice's conversation.
  const send = await bobPage.request.post("/api/chat", {
    data: {
      id: aliceId,
      trigger: "submit-message",
      model: "GLM-4-Air",
      message: { id: `intruder-${Date.now()}`, role: "user", parts: [{ type: "text", text: "injected" }] },
    },
  });
  expect(send.status()).toBe(404);
  const regen = await bobPage.request.post("/api/chat", {
    data: { id: aliceId, trigger: "regenerate-message", model: "GLM-4-Air" },
  });
  expect(regen.status()).toBe(404);
  // The picker's save (a route, sent with keepalive): Alice's id is not found, like at every other door.
  const model = await bobPage.request.put(`/api/conversations/${aliceId}/model`, { data: { model: "GLM-4-Long" } });
  expect(model.status()).toBe(404);

  // Every server action, replayed by Bob with Alice's conversation id in place of his own.
  const rewrite = await rewriteServerActions(bobPage, { [bobId]: aliceId });
  await bobPage.getByRole("button", { name: "Conversation settings" }).click();
  await bobPage.getByLabel("System prompt").fill("hijacked");
  await bobPage.getByRole("dialog").getByRole("button", { name: "Save", exact: true }).click();
  await expect(bobPage.getByRole("dialog").getByRole("alert")).toContainText("does not exist");
  await bobPage.keyboard.press("Escape");
  await bob.sidebarItem("Bob's own chat").getByRole("button", { name: "Rename" }).click();
  await bobPage.getByLabel("Title").fill("pwned");
  await bobPage.getByRole("button", { name: "Save" }).click();
  await expect(bobPage.getByRole("dialog").getByRole("alert")).toContainText("does not exist");
  await bobPage.keyboard.press("Escape");
  await bob.sidebarItem("Bob's own chat").getByRole("button", { name: "Delete" }).click();
  await bobPage.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
  await expect(bobPage.getByRole("dialog").getByRole("alert")).toContainText("does not exist");
  await rewrite.stop();
  expect(rewrite.count).toBeGreaterThanOrEqual(3);

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
