import { expect, test, type Session } from "./fixtures";
import { ChatPage, lastSegment, PASSWORD, pathOf, SharedConversationPage, SharesPage, type ShareDialog } from "./pages";
import { rewriteServerActions } from "./server-actions";
import { freshAccount } from "./users";

/** Opens the Share dialog of the open conversation and creates its link. */
async function shareLink(chat: ChatPage): Promise<{ dialog: ShareDialog; link: string }> {
  const dialog = await chat.openShareDialog();
  const link = await dialog.createLink();
  expect(link).toMatch(/\/share\/[A-Za-z0-9_-]{24}$/);
  return { dialog, link };
}

/** A signed-in browser on a new conversation. */
async function onNewChat(session: Promise<Session>): Promise<Session> {
  const s = await session;
  await s.chat.open();
  return s;
}

test("share a snapshot, update it, stop sharing; readers need no account", async ({ openSession, openPage }) => {
  test.setTimeout(120_000);
  // An account of its own: it picks models, and its shares page must list this share alone.
  const { page, chat, email } = await onNewChat(openSession("fresh"));
  await chat.chooseModel("GLM-4-Plus");
  await chat.send("What is GLM-4?");
  await chat.chooseModel("GLM-4-Long");
  await chat.send("And the long one?");
  const conversationId = await chat.conversationId();
  const { dialog, link } = await shareLink(chat);

  const readerPage = await openPage();
  const reader = new SharedConversationPage(readerPage);
  const res = await readerPage.goto(link);
  expect(res?.status()).toBe(200);
  await expect(reader.title).toHaveText("What is GLM-4?");
  await expect(reader.userMessages).toHaveText([/What is GLM-4\?/, /And the long one\?/]);
  const replies = reader.assistantMessages;
  await expect(replies).toHaveCount(2);
  await expect(replies.first()).toContainText("GLM-4-Plus");
  await expect(replies.last()).toContainText("GLM-4-Long");
  await expect(readerPage.getByText(/^Shared \w{3} \d+, \d{4}/)).toBeVisible(); // en-US, the reader's zone
  await expect(readerPage.getByRole("textbox")).toHaveCount(0);
  const html = await readerPage.content();
  expect(html).not.toContain(email);
  expect(html).not.toContain(conversationId);
  await expect(readerPage.locator('meta[name="robots"]')).toHaveAttribute("content", /noindex/);
  await expect(readerPage.locator('meta[property="og:title"]')).toHaveAttribute("content", "What is GLM-4?");

  // A later message is not in the snapshot until Update link; the URL stays the same.
  await dialog.close();
  await chat.send("A third question");
  await readerPage.reload();
  await expect(reader.userMessages).toHaveCount(2);
  await chat.openShareDialog();
  await expect(dialog.link).toHaveValue(link);
  await dialog.button("Update link").click();
  await expect(dialog.status).toContainText("as it is now");
  await readerPage.reload();
  await expect(reader.userMessages).toHaveCount(3);

  // The settings page lists it; Stop sharing makes it 404 at once.
  const shares = new SharesPage(page);
  await shares.open();
  const row = shares.row(/What is GLM-4\?/);
  await expect(row.getByRole("link", { name: "Open" })).toHaveAttribute("href", pathOf(link));
  await row.getByRole("button", { name: "Stop sharing" }).click();
  await expect(shares.row(/What is GLM-4\?/)).toHaveCount(0);
  expect((await readerPage.goto(link))?.status()).toBe(404);
  await expect(reader.notFound).toBeVisible();
});

test("Stop sharing in the dialog, and deleting the conversation, both make the link 404", async ({
  openSession,
  openPage,
}) => {
  const { chat } = await onNewChat(openSession("member"));
  await chat.send("short lived");
  // The focus follows what the dialog offers: Create link once loaded, the link once made, Create link again
  // once stopped (each press takes away the button that was pressed).
  const dialog = await chat.openShareDialog();
  await expect(dialog.button("Create link")).toBeFocused();
  await dialog.page.keyboard.press("Enter");
  await expect(dialog.link).toBeFocused();
  const link = await dialog.link.inputValue();
  await dialog.button("Stop sharing").click();
  await expect(dialog.button("Create link")).toBeFocused();
  const reader = await openPage();
  expect((await reader.goto(link))?.status()).toBe(404);

  const again = await dialog.createLink();
  expect(again).not.toBe(link);
  expect((await reader.goto(again))?.status()).toBe(200);
  await dialog.close();
  await chat.deleteFromSidebar("short lived");
  await expect(chat.sidebarLink("short lived")).toHaveCount(0);
  // The owner's view after a reload shows that the delete itself happened; the link then answers 404 at once.
  await chat.page.reload();
  await expect(chat.sidebarLink("short lived")).toHaveCount(0);
  expect((await reader.goto(again))?.status()).toBe(404);
  expect((await reader.goto("/share/notarealshareidnotarealshare"))?.status()).toBe(404);
});

test("a reader continues the conversation as their own copy, signing in first", async ({
  openSession,
  openPage,
  baseURL,
}) => {
  test.setTimeout(120_000);
  // The owner picks a model; the reader's copy changes the reader's last model: two accounts of their own.
  const owner = await onNewChat(openSession("fresh"));
  await owner.chat.chooseModel("GLM-4-AirX");
  await owner.chat.send("Original thread");
  const { link } = await shareLink(owner.chat);
  // The reader has an account, and signs in from the shared page.
  const { email: readerEmail } = await freshAccount(baseURL!, "reader");

  const reader = await openPage();
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
  // The reply's text, not its model label (which the pending reply shows at once): the turn is saved by then,
  // so the reload finds the new message (a reload that beat the turn's commit showed the reply without it).
  await expect(copy.lastReply()).toContainText("My own follow-up");
  await expect(copy.lastReply()).toContainText("glm-4-airx");
  await reader.reload();
  await expect(copy.userMessages).toHaveCount(2);
  // The owner's conversation did not change.
  await owner.page.reload();
  await expect(owner.chat.userMessages).toHaveCount(1);
});

test("raw HTML in a shared title or message stays inert", async ({ openSession, openPage }) => {
  const { chat } = await onNewChat(openSession("member"));
  let dialogs = 0;
  const payload = `<img src=x onerror=alert(1)><script>alert(2)</script>`;
  await chat.send(payload);
  const { link } = await shareLink(chat);
  const readerPage = await openPage();
  readerPage.on("dialog", (d) => {
    dialogs++;
    void d.dismiss();
  });
  const reader = new SharedConversationPage(readerPage);
  await readerPage.goto(link);
  await expect(reader.title).toHaveText(payload);
  await expect(reader.userMessages).toContainText(payload);
  await expect(readerPage.locator("main img")).toHaveCount(0);
  await expect(readerPage.locator("main script")).toHaveCount(0);
  expect(dialogs).toBe(0);
});

test("another user can neither list, update nor stop someone's share", async ({ openSession, openPage }) => {
  test.setTimeout(120_000);
  // Two new accounts: Bob's shares page must start empty.
  const alice = await onNewChat(openSession("fresh"));
  await alice.chat.send("Alice shares this");
  const aliceConversation = await alice.chat.conversationId();
  const { link } = await shareLink(alice.chat);
  const aliceShare = lastSegment(link);

  const bob = await onNewChat(openSession("fresh"));
  await bob.chat.send("Bob's thread");
  const bobConversation = await bob.chat.conversationId();
  const bobShares = new SharesPage(bob.page);
  await bobShares.open();
  await expect(bob.page.getByText("You are not sharing any conversation")).toBeVisible();

  // Bob's own share requests, rewritten to target Alice's conversation and (once he has one) her share.
  await bob.page.goto(`/chat/${bobConversation}`);
  let bobShare = "";
  const rewrite = await rewriteServerActions(bob.page, () => ({
    [bobConversation]: aliceConversation,
    [bobShare]: aliceShare,
  }));
  const dialog = await bob.chat.openShareDialog();
  // Reading Alice's share state through getShare answers "no link" and Create refuses her conversation.
  await dialog.button("Create link").click();
  await expect(dialog.alert).toContainText("does not exist");
  await rewrite.stop();
  bobShare = lastSegment(await dialog.createLink());
  const rewriteAgain = await rewriteServerActions(bob.page, () => ({
    [bobConversation]: aliceConversation,
    [bobShare]: aliceShare,
  }));
  await dialog.button("Update link").click();
  await expect(dialog.alert).toContainText("no shared link");
  await dialog.button("Stop sharing").click();
  await expect(dialog.alert).toContainText("not shared");
  await rewriteAgain.stop();
  expect(rewrite.count + rewriteAgain.count).toBeGreaterThanOrEqual(4);

  const readerPage = await openPage();
  expect((await readerPage.goto(link))?.status()).toBe(200);
  await expect(new SharedConversationPage(readerPage).userMessages).toHaveText([/Alice shares this$/]);
  const aliceShares = new SharesPage(alice.page);
  await aliceShares.open();
  await expect(aliceShares.row(/Alice shares this/)).toBeVisible();
  await expect(aliceShares.row(/Bob/)).toHaveCount(0);
});
