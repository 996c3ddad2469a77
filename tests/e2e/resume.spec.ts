import type { Locator } from "@playwright/test";
import { sqlRow } from "../support/server-database";
import { expect, test } from "./fixtures";
import { ChatPage } from "./pages";

/** Replies are written on the server whoever watches: reloads, leaving and other tabs follow them live. */

// The seeded member, on a new conversation of each test's own.
test.use({ signedInAs: "member" });

test.beforeEach(async ({ page }) => {
  await new ChatPage(page).open();
});

const words = async (reply: Locator) => (await reply.innerText()).split(/\s+/).filter(Boolean).length;

/** The status of a conversation's last reply, as saved on the server. */
const replyStatus = async (conversationId: string) =>
  (
    await sqlRow<{ status: string }>(
      "select status from messages where conversation_id = ? and role = 'assistant' order by seq desc limit 1",
      [conversationId],
    )
  )?.status;

test("a reload mid-stream shows the text so far, follows the rest live, and completes", async ({ page }) => {
  // 600 words 30 ms apart, 18 s at the least: on a busy machine the reload alone took the 9 s that 300 words
  // lasted. The stand-in sleeps between words, so on that machine the reply runs past 18 s (a CI run saw it
  // still streaming 22 s in): waiting for its end allows twice its length.
  const replyMs = 600 * 30;
  test.setTimeout(replyMs * 2 + 30_000);
  const chat = new ChatPage(page);
  await chat.send("[words:600][delay:30] a story to reload", { wait: false });
  await expect(chat.lastReply()).toContainText("simulated reply");
  await chat.conversationId();
  await page.reload();
  // The reply is still being written: Stop is offered, and the text keeps growing after the reload.
  await expect(chat.stopButton).toBeVisible();
  const early = await words(chat.lastReply());
  await expect.poll(() => words(chat.lastReply()), { timeout: 10_000 }).toBeGreaterThan(early + 10);
  await chat.waitForIdle({ timeout: replyMs * 2 });
  await expect(chat.lastReply()).not.toContainText("Stopped");
  const finalText = (await chat.lastReply().textContent()) ?? "";
  // Saved to its end: a second reload shows the same whole reply.
  await page.reload();
  await expect.poll(() => chat.lastReply().textContent()).toBe(finalText);
  await expect(chat.lastReply()).not.toContainText(/Stopped|Interrupted/);
});

test("leaving the conversation while it streams does not stop the reply", async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.send("[words:90][delay:30] keep going while I look elsewhere", { wait: false });
  await expect(chat.lastReply()).toContainText("simulated reply");
  const id = await chat.conversationId();
  await chat.newChat();
  // While nobody watches, the server writes the reply to its end.
  await expect.poll(() => replyStatus(id), { timeout: 20_000 }).toBe("complete");
  await page.goto(`/chat/${id}`);
  await chat.waitForIdle();
  await expect(chat.lastReply()).not.toContainText(/Stopped|Interrupted/);
  expect(await words(chat.lastReply())).toBeGreaterThanOrEqual(85);
});

test("Stop in another tab stops the reply everywhere; Continue writes on from where it stopped", async ({
  page,
  context,
}) => {
  const chat = new ChatPage(page);
  await chat.send("[words:1500][delay:30] a long story for two tabs", { wait: false });
  await expect(chat.lastReply()).toContainText("simulated reply");
  const id = await chat.conversationId();

  const other = await context.newPage();
  const otherChat = new ChatPage(other);
  await other.goto(`/chat/${id}`);
  await expect(other.getByRole("button", { name: "Stop", exact: true })).toBeVisible();
  await other.getByRole("button", { name: "Stop", exact: true }).click();

  await expect(chat.lastReply()).toContainText("Stopped");
  await expect(otherChat.lastReply()).toContainText("Stopped");
  await chat.waitForIdle();
  const stoppedAt = await words(chat.lastReply());
  expect(stoppedAt).toBeLessThan(1400);

  await page.getByRole("button", { name: "Continue", exact: true }).click();
  await chat.waitForIdle();
  await expect(chat.lastReply()).not.toContainText("Stopped");
  expect(await words(chat.lastReply())).toBeGreaterThan(stoppedAt);
  await page.reload();
  expect(await words(chat.lastReply())).toBeGreaterThan(stoppedAt);
  await other.close();
});

test("Stop before the server has the message puts the text back in the composer, and nothing is saved", async ({
  page,
}) => {
  const chat = new ChatPage(page);
  await chat.send("first message [words:5]");
  const id = await chat.conversationId();
  // Hold the next request in the browser, as a slow network would.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let handled!: () => void;
  const done = new Promise<void>((resolve) => (handled = resolve));
  await page.route("**/api/chat", async (route) => {
    await held;
    // Stop aborted the request in the browser: there is nothing left to send.
    await route.continue().catch(() => {});
    handled();
  });
  await chat.send("a message that never left", { wait: false });
  await expect(page.getByRole("button", { name: "Stop", exact: true })).toBeVisible();
  await page.getByRole("button", { name: "Stop", exact: true }).click();
  await expect(chat.composer).toHaveValue("a message that never left");
  await expect(chat.userMessages).toHaveCount(1);
  release();
  await done; // the held request was let go (and could not be sent)
  await page.unroute("**/api/chat");
  await page.goto(`/chat/${id}`);
  await expect(chat.userMessages).toHaveCount(1);
  await expect(chat.assistantMessages).toHaveCount(1);
});

test("a send that fails says so and keeps the text in the composer", async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.send("hello [words:3]");
  await page.route("**/api/chat", (route) => route.abort("connectionreset"));
  await chat.send("this must not be lost", { wait: false });
  await expect(page.getByRole("alert").filter({ hasText: "Your message was not sent" })).toContainText(
    "could not be reached",
  );
  await expect(chat.composer).toHaveValue("this must not be lost");
  await expect(chat.userMessages).toHaveCount(1);
});
