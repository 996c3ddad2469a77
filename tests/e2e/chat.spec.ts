import { sqlRow } from "../support/server-database";
import { expect, test } from "./fixtures";
import { ChatPage } from "./pages";

// The seeded member, on a new conversation: every test here works in conversations of its own. Its last
// model stays GLM-4-Flash (the default) as no test on it picks another; those that do have their own account.
test.use({ signedInAs: "member" });

test.beforeEach(async ({ page }) => {
  await new ChatPage(page).open();
});

test("a streamed reply arrives in pieces, and the conversation gets its URL and title at once", async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.send("[words:200][delay:40] Tell me about Zhipu", { wait: false });
  const id = await chat.conversationId();
  await expect(page.getByRole("button", { name: "Stop", exact: true })).toBeVisible();
  const reply = chat.lastReply();
  // Sample the reply's text in the page at every change while it streams (Stop is shown): it must be seen
  // at several growing lengths before it completes. Sampled by the page itself, so a busy machine's slow
  // round trips to the browser cannot hide the steps.
  await page.evaluate(() => {
    const lengths = new Set<number>();
    (window as unknown as { replyLengths: Set<number> }).replyLengths = lengths;
    const streaming = () => [...document.querySelectorAll("button")].some((b) => b.textContent?.trim() === "Stop");
    const sample = () => {
      const last = [...document.querySelectorAll<HTMLElement>('article[aria-label="Assistant message"]')].pop();
      const text = last?.querySelector<HTMLElement>(".prose-chat")?.innerText.length ?? 0;
      if (text > 0 && streaming()) lengths.add(text);
    };
    sample();
    new MutationObserver(sample).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await chat.waitForIdle();
  const seen = (await page.evaluate(() => [...(window as unknown as { replyLengths: Set<number> }).replyLengths])).sort(
    (a, b) => a - b,
  );
  expect(seen.length, `lengths seen while streaming: ${seen.join(", ")}`).toBeGreaterThanOrEqual(3);
  expect((await reply.innerText()).length).toBeGreaterThan(seen[0]);
  await expect(chat.sidebarLink("[words:200][delay:40] Tell me about Zhipu")).toBeVisible();
  await expect(reply).toContainText("GLM-4-Flash");
  await page.reload();
  await expect(chat.userMessages).toHaveCount(1);
  await expect(chat.assistantMessages).toHaveCount(1);
  expect(page.url()).toContain(`/chat/${id}`);
});

test("Stop keeps the partial reply, marked as stopped, after a reload", async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.send("[words:500][delay:30] a long story", { wait: false });
  await expect(chat.lastReply()).toContainText("simulated reply");
  await page.getByRole("button", { name: "Stop", exact: true }).click();
  await chat.waitForIdle();
  const shown = (await chat.lastReply().locator(".prose-chat").innerText()).trim();
  await expect(chat.lastReply()).toContainText("Stopped");
  await page.reload();
  const saved = chat.lastReply();
  await expect(saved).toContainText("Stopped");
  const savedText = (await saved.locator(".prose-chat").innerText()).trim();
  expect(savedText.startsWith(shown.slice(0, 40))).toBe(true);
  expect(savedText.split(" ").length).toBeLessThan(450);
});

test("an upstream failure shows an error, and Retry works", async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.send(`[fault-once:http500] please answer ${Date.now()}`);
  const reply = chat.lastReply();
  await expect(reply.getByRole("alert")).toContainText("The model service failed. Please retry.");
  await page.reload();
  await expect(chat.lastReply().getByRole("alert")).toContainText("The model service failed. Please retry.");
  await chat.lastReply().getByRole("button", { name: "Retry" }).click();
  await chat.waitForIdle();
  await expect(chat.lastReply()).toContainText("please answer");
  await expect(chat.lastReply().getByRole("alert")).toHaveCount(0);
  await page.reload();
  await expect(chat.assistantMessages).toHaveCount(1);
  await expect(chat.lastReply()).toContainText("please answer");
});

test("a reply the safety filter cut off says so, live and after a reload, with its text kept", async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.send(`[fault-once:sensitive] tell me a story ${Date.now()}`);
  const blocked = "The model service's safety filter blocked this reply.";
  await expect(chat.lastReply().getByRole("alert")).toContainText(blocked);
  await expect(chat.lastReply()).toContainText("tell me a story");
  await page.reload();
  await expect(chat.lastReply().getByRole("alert")).toContainText(blocked);
  await expect(chat.lastReply()).toContainText("tell me a story");
  await chat.lastReply().getByRole("button", { name: "Retry" }).click();
  await chat.waitForIdle();
  await expect(chat.lastReply().getByRole("alert")).toHaveCount(0);
});

test("a reply that fails at once is a failed reply, retried in place without a reload", async ({ page }) => {
  const chat = new ChatPage(page);
  const text = `[fault-once:http500] answer at once ${Date.now()}`;
  await chat.send(text);
  await expect(chat.lastReply().getByRole("alert")).toContainText("The model service failed. Please retry.");
  // The message was saved: it stays in the thread, not handed back to the composer.
  await expect(chat.composer).toHaveValue("");
  await chat.lastReply().getByRole("button", { name: "Retry" }).click();
  await chat.waitForIdle();
  await expect(chat.assistantMessages).toHaveCount(1);
  await expect(chat.lastReply()).toContainText("answer at once");
  await expect(chat.lastReply().getByRole("alert")).toHaveCount(0);
  await page.reload();
  await expect(chat.assistantMessages).toHaveCount(1);
  await expect(chat.lastReply().getByRole("alert")).toHaveCount(0);
});

test("a new chat's first message that could not be sent is back in the composer, and still there after a reload", async ({
  page,
}) => {
  const chat = new ChatPage(page);
  const text = `a first message that never left ${Date.now()}`;
  await page.route("**/api/chat", (route) => route.abort("connectionreset"));
  await chat.send(text, { wait: false });
  await expect(page.getByRole("alert").filter({ hasText: "Your message was not sent" })).toBeVisible();
  await expect(chat.composer).toHaveValue(text);
  // Still a new chat: no address for a conversation the server does not have, nor its name.
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("New chat");
  await expect(page).toHaveTitle("New chat · glm-chat");

  await page.unroute("**/api/chat");
  await page.reload();
  await expect(chat.composer).toHaveValue(text);
  await chat.composer.press("Enter");
  await chat.waitForIdle();
  await chat.conversationId();
  await expect(chat.composer).toHaveValue("");
  await page.reload();
  await expect(chat.userMessages).toHaveText([text]);
  // Sent, the draft is gone from the next new chat too.
  await page.goto("/");
  await expect(chat.composer).toHaveValue("");
});

test.describe("on an account of its own (it picks models, which sets the account's last model)", () => {
  test.use({ signedInAs: "fresh" });

  test("each conversation keeps its model across reloads and switching; new chats start on the last used", async ({
    page,
  }) => {
    const chat = new ChatPage(page);
    await expect(chat.modelPicker).toHaveText("GLM-4-Flash");
    await chat.chooseModel("GLM-4-Plus");
    await chat.send("first conversation");
    await expect(chat.lastReply()).toContainText("GLM-4-Plus");
    const first = await chat.conversationId();

    await chat.newChat();
    await expect(chat.modelPicker).toHaveText("GLM-4-Plus");
    await chat.chooseModel("GLM-4-Air");
    await chat.send("second conversation");
    const second = await chat.conversationId();

    await chat.sidebarLink("first conversation").click();
    await expect(page).toHaveURL(new RegExp(first));
    await expect(chat.modelPicker).toHaveText("GLM-4-Plus");
    await page.reload();
    await expect(chat.modelPicker).toHaveText("GLM-4-Plus");
    await chat.sidebarLink("second conversation").click();
    await expect(page).toHaveURL(new RegExp(second));
    await expect(chat.modelPicker).toHaveText("GLM-4-Air");

    // Switching without sending is saved too. The save is its own request, sent as the choice is made; a reload
    // racing it could be answered first (the PostgreSQL pass once was), so the reload waits for it.
    const saved = page.waitForResponse((r) => r.request().method() === "PUT" && r.url().endsWith("/model"));
    await chat.chooseModel("GLM-4-Long");
    expect((await saved).ok()).toBe(true);
    await page.reload();
    await expect(chat.modelPicker).toHaveText("GLM-4-Long");
  });

  test("a mid-thread switch labels the next reply; Regenerate can use another model", async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.send("hello flash");
    await expect(chat.lastReply()).toContainText("GLM-4-Flash");
    await chat.chooseModel("GLM-4-AirX");
    await chat.send("hello airx");
    await expect(chat.assistantMessages).toHaveCount(2);
    await expect(chat.assistantMessages.first()).toContainText("GLM-4-Flash");
    await expect(chat.lastReply()).toContainText("GLM-4-AirX");
    await expect(chat.lastReply()).toContainText("glm-4-airx");

    await chat.chooseModel("GLM-4-Plus");
    await chat.lastReply().getByRole("button", { name: "Regenerate", exact: true }).click();
    await chat.waitForIdle();
    await expect(chat.assistantMessages).toHaveCount(2);
    await expect(chat.lastReply()).toContainText("GLM-4-Plus");
    await expect(chat.lastReply()).toContainText("glm-4-plus");
    await page.reload();
    await expect(chat.assistantMessages).toHaveCount(2);
    await expect(chat.assistantMessages.first()).toContainText("GLM-4-Flash");
    await expect(chat.lastReply()).toContainText("GLM-4-Plus");
  });
});

test("Edit the last message resends it and replaces the turns after it; Copy copies", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const chat = new ChatPage(page);
  await chat.send("original question");
  await chat.userMessages.last().getByRole("button", { name: "Edit", exact: true }).click();
  await page.getByLabel("Edit message").fill("edited question");
  await page.getByRole("button", { name: "Save and send" }).click();
  await chat.waitForIdle();
  await expect(chat.userMessages).toHaveCount(1);
  await expect(chat.lastReply()).toContainText("edited question");
  await page.reload();
  await expect(chat.userMessages).toHaveText(["edited question"]);
  await expect(chat.assistantMessages).toHaveCount(1);
  await expect(chat.lastReply()).toContainText("edited question");

  await chat.lastReply().getByRole("button", { name: "Copy", exact: true }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toContain("You wrote: “edited question”");

  // As in the composer: Escape cancels an edit, Enter sends it, Shift+Enter makes a new line.
  await chat.userMessages.last().getByRole("button", { name: "Edit", exact: true }).click();
  await page.getByLabel("Edit message").press("Escape");
  await expect(page.getByLabel("Edit message")).toHaveCount(0);
  await chat.userMessages.last().getByRole("button", { name: "Edit", exact: true }).click();
  await page.getByLabel("Edit message").fill("sent with Enter");
  await page.getByLabel("Edit message").press("Shift+Enter");
  await page.getByLabel("Edit message").pressSequentially("second line");
  await page.getByLabel("Edit message").press("Enter");
  await chat.waitForIdle();
  await expect(chat.userMessages).toHaveText(["sent with Enter\nsecond line"]);
  await expect(chat.lastReply()).toContainText("sent with Enter");
});

test("markdown renders; raw HTML in a message stays text and never runs", async ({ page }) => {
  let dialogs = 0;
  page.on("dialog", (d) => {
    dialogs++;
    void d.dismiss();
  });
  const chat = new ChatPage(page);
  await chat.send("<img src=x onerror=alert(1)> [fixture:markdown]");
  await expect(chat.userMessages.last()).toContainText("<img src=x onerror=alert(1)>");
  const reply = chat.lastReply();
  await expect(reply.getByRole("table")).toBeVisible();
  await expect(reply.getByRole("cell", { name: "GLM-4-Long" })).toBeVisible();
  await expect(reply.getByRole("listitem")).toHaveCount(2);
  await expect(reply.locator("pre code")).toContainText('print("hello")');
  await expect(reply.locator("pre code span.hljs-built_in")).toHaveText("print");
  await expect(reply.getByRole("button", { name: "Copy code" })).toBeVisible();
  await chat.send("again <img src=x onerror=alert(1)><script>alert(2)</script>");
  await expect(chat.lastReply()).toContainText("<img src=x onerror=alert(1)>");
  await page.reload();
  await expect(page.locator("article img")).toHaveCount(0);
  expect(dialogs).toBe(0);
});

test("conversation settings are validated like /v1 and apply to the next reply", async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.send("set me up");
  await page.getByRole("button", { name: "Conversation settings" }).click();
  await page.getByLabel("Temperature").fill("1.5");
  await page.getByRole("dialog").getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("dialog").getByRole("alert")).toContainText("between 0 and 1");
  await page.getByLabel("Temperature").fill("0.2");
  await page.getByLabel("System prompt").fill("Answer like a pirate");
  await chat.saveSettings();
  const tag = `settings-${Date.now()}`;
  await chat.send(tag);
  const log = (await (await fetch(`${process.env.STANDIN_URL}/_log`)).json()) as {
    body: { messages: { role: string; content: string }[]; temperature: number; top_p: number };
  }[];
  const sent = log.reverse().find((r) => JSON.stringify(r.body.messages).includes(tag))!;
  expect(sent.body.messages[0]).toEqual({ role: "system", content: "Answer like a pirate" });
  expect(sent.body.temperature).toBe(0.2);
  expect(sent.body.top_p).toBe(0.9);
  // The chat UI is accounted in the same usage ledger as /v1, as its own source. The ledger writes a reply's
  // end in its next batch (50 ms), which may come just after the browser has seen the end.
  await expect
    .poll(() =>
      sqlRow("select source, api_key_id, model, status, completion_tokens from usage order by id desc limit 1"),
    )
    .toMatchObject({ source: "chat", api_key_id: null, model: "GLM-4-Flash", status: 200 });
  await page.reload();
  await page.getByRole("button", { name: "Conversation settings" }).click();
  await expect(page.getByLabel("Temperature")).toHaveValue("0.2");
});
