import OpenAI from "openai";
import { sqlRow } from "../support/server-database";
import { expect, test } from "./fixtures";
import { ChatPage, chooseOption, KeysPage, UsagePage } from "./pages";
import { rewriteServerActions } from "./server-actions";

/** API keys and usage, per account: each test counts an account's requests from zero, on an account of its own. */

const openai = (apiKey: string, baseURL: string) => new OpenAI({ apiKey, baseURL: `${baseURL}/v1`, maxRetries: 0 });

test("create a key in the browser, use it with the openai SDK, watch usage, revoke it", async ({
  openSession,
  baseURL,
}) => {
  test.setTimeout(120_000);
  const { page, context } = await openSession("fresh");
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const keys = new KeysPage(page);
  const usage = new UsagePage(page);

  await usage.open();
  await expect(usage.requestsTotal).toHaveText("Total: 0 requests");

  await keys.open();
  await page.getByLabel("Key name").fill("laptop");
  await chooseOption(page, "Expires", "30 days");
  await page.getByRole("button", { name: "Create key" }).click();
  await expect(keys.newKey).toHaveValue(/^sk-glm-[A-Za-z0-9_-]{32}$/);
  const key = await keys.newKey.inputValue();
  await page.getByRole("button", { name: "Copy", exact: true }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
  const example = page.getByRole("tabpanel");
  await expect(example).toContainText(`${baseURL}/v1/chat/completions`);
  await expect(example).toContainText(`Authorization: Bearer ${key}`);
  await page.getByRole("tab", { name: "Python" }).click();
  await expect(example).toContainText(`base_url="${baseURL}/v1"`);
  await page.getByRole("tab", { name: "JavaScript" }).click();
  await expect(example).toContainText(`apiKey: '${key}'`);
  // After a reload only the prefix is shown.
  await page.reload();
  await expect(keys.newKey).toHaveCount(0);
  await expect(keys.row("laptop")).toContainText(key.slice(0, 13));
  await expect(keys.row("laptop")).not.toContainText("Never"); // the expiry chosen in the Expires select was saved
  expect(await page.content()).not.toContain(key);

  // The seed's JavaScript example, pointed at this server with the key from the browser.
  const client = openai(key, baseURL!);
  const response = await client.chat.completions.create({
    model: "GLM-4-Air",
    messages: [
      { role: "system", content: "你是一个智能助手" },
      { role: "user", content: "请介绍一下智谱AI" },
    ],
    temperature: 0.7,
    stream: false,
  });
  expect(response.choices[0].message.content).toContain("请介绍一下智谱AI");
  const stream = await client.chat.completions.create({
    model: "GLM-4-Plus",
    stream: true,
    messages: [{ role: "user", content: "hi" }],
  });
  for await (const _chunk of stream) {
    /* drain */
  }

  await usage.open();
  await expect(usage.requestsTotal).toHaveText("Total: 2 requests");
  // Days as people write them in the page's language ("Nov 27"), not the report's "11-27".
  const today = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric" }).format(new Date());
  await expect(usage.requestsChart).toContainText(today);
  await expect(usage.tokensTotal).not.toHaveText("Total: 0 tokens");
  const recent = usage.recentRows;
  await expect(recent.first().getByRole("columnheader")).toHaveText([
    "Time",
    "Source",
    "Model",
    "Tokens",
    "Latency",
    "Status",
  ]);
  await expect(recent.nth(1)).toContainText("GLM-4-Plus");
  await expect(recent.nth(1)).toContainText("API · laptop");
  await expect(recent.nth(2)).toContainText("GLM-4-Air");
  await expect(usage.byKey).toContainText("laptop");
  await usage.range("30 days").click();
  await expect(usage.range("30 days")).toHaveAttribute("aria-checked", "true");
  await expect(usage.requestsTotal).toHaveText("Total: 2 requests");

  // Chat usage is counted as its own source.
  const chat = new ChatPage(page);
  await chat.open();
  await chat.send("counted as chat");
  await usage.open();
  await expect(usage.requestsTotal).toHaveText("Total: 3 requests");
  await expect(usage.byKey).toContainText("Chat (browser)");

  // Revoke with confirmation; the next call is refused at once.
  await keys.open();
  await keys.revoke("laptop");
  await expect(keys.row("laptop")).toContainText("revoked");
  await expect(
    client.chat.completions.create({ model: "GLM-4-Air", messages: [{ role: "user", content: "x" }] }),
  ).rejects.toMatchObject({ status: 401 });
});

test("another user can neither see nor revoke someone's key", async ({ openSession, baseURL }) => {
  test.setTimeout(120_000);
  const aliceName = `alice-key-${Date.now()}`;
  const bobName = `bob-key-${Date.now()}`;
  const alice = new KeysPage((await openSession("fresh")).page);
  await alice.open();
  const aliceKey = await alice.create(aliceName);

  const bobSession = await openSession("fresh");
  const bob = new KeysPage(bobSession.page);
  await bob.open();
  await bob.create(bobName);
  await expect(bob.row(bobName)).toBeVisible();
  await expect(bob.row(aliceName)).toHaveCount(0);

  // Bob's own revoke request, rewritten to carry the id of Alice's key.
  const aliceKeyId = await idOfKey(aliceName);
  const bobKeyId = await idOfKey(bobName);
  const rewrite = await rewriteServerActions(bob.page, { [bobKeyId]: aliceKeyId });
  await bob.revoke(bobName);
  await expect(bob.page.getByRole("alert").filter({ hasText: "No active key" })).toBeVisible();
  expect(rewrite.count).toBe(1);
  await rewrite.stop();

  const ok = await openai(aliceKey, baseURL!).models.list();
  expect(ok.data).toHaveLength(6);
  const usage = new UsagePage(bob.page);
  await usage.open();
  await expect(usage.byKey).not.toContainText(aliceName);
});

/** A key's id, read from the server's database (the page shows only the prefix). */
async function idOfKey(name: string): Promise<string> {
  const row = await sqlRow<{ id: string }>("select id from api_keys where name = ?", [name]);
  expect(row?.id).toMatch(/^[0-9a-f-]{36}$/);
  return row!.id;
}

test('usage: a Stop is no error, a refused model name is an "unknown model", and one request is "1 request"', async ({
  openSession,
  baseURL,
}) => {
  test.setTimeout(120_000);
  const { page, chat } = await openSession("fresh");
  const usage = new UsagePage(page);
  await chat.open();
  await chat.send("one reply");
  await usage.open();
  await expect(usage.requestsTotal).toHaveText("Total: 1 request");

  // A Stop in the chat (499) and a model /v1 does not know (404).
  await chat.open();
  await chat.sendAndStop("[words:500][delay:30] a long story");
  const keys = new KeysPage(page);
  await keys.open();
  const client = openai(await keys.create("script"), baseURL!);
  await expect(
    client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] }),
  ).rejects.toMatchObject({ status: 404 });

  await usage.open();
  await expect(usage.requestsTotal).toHaveText("Total: 3 requests");
  await expect(usage.byModel.getByRole("row", { name: /GLM-4-Flash/ }).getByRole("cell")).toHaveText([
    "GLM-4-Flash",
    "2",
    /\d/,
    /ms$/,
    "0.0%",
  ]);
  await expect(usage.byModel.getByRole("row", { name: /unknown model/ }).getByRole("cell")).toHaveText([
    "unknown model",
    "1",
    "0",
    "—",
    "0.0%",
  ]);
  await expect(usage.byModel).not.toContainText("gpt-4o");
  // The list of requests still says what was sent, and how each ended.
  await expect(usage.recentRows.nth(1)).toContainText("gpt-4o");
  await expect(usage.recentRows.nth(1)).toContainText("404");
  await expect(usage.recentRows.nth(2)).toContainText("499");
});

test("a server that cannot be reached is said so, and the form is usable again", async ({ openSession }) => {
  const { page } = await openSession("fresh");
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  const keys = new KeysPage(page);
  await keys.open();
  // The server action's request fails as it does when the server is restarting.
  await page.route("**/settings/keys", (route) =>
    route.request().method() === "POST" ? route.abort("connectionrefused") : route.continue(),
  );
  await page.getByLabel("Key name").fill("offline");
  const create = page.getByRole("button", { name: "Create key" });
  await create.click();
  await expect(page.getByRole("alert").filter({ hasText: "could not be reached" })).toHaveText(
    "The server could not be reached. Check your connection and try again.",
  );
  await expect(create).toBeEnabled();
  // Before, the action's rejection was an uncaught error on the page, and the button stayed busy.
  expect(errors).toEqual([]);
  // What was typed is still there to send again (React's form action had cleared it).
  await expect(page.getByLabel("Key name")).toHaveValue("offline");
  await page.unroute("**/settings/keys");
  await create.click();
  await expect(keys.newKey).toHaveValue(/^sk-glm-/);
});

test("an admin sees everyone's usage per person; the range and scope stay in the address", async ({ openSession }) => {
  test.setTimeout(120_000);
  const member = await openSession("fresh");
  await member.chat.open();
  await member.chat.send("counted for this member");

  const { page } = await openSession("admin");
  const usage = new UsagePage(page);
  await usage.open();
  await expect(usage.byPerson).toHaveCount(0);
  await page.getByRole("checkbox", { name: "Everyone (admin)" }).check();
  await expect(page).toHaveURL(/\/settings\/usage\?scope=everyone$/);
  await expect(usage.byPerson.getByRole("row").filter({ hasText: member.email })).toContainText("1");
  await expect(usage.recentRows.first().getByRole("columnheader", { name: "Person" })).toBeVisible();
  await expect(usage.recentRows.filter({ hasText: member.email }).first()).toContainText("Chat");

  // The range is a radio group: the arrow keys choose, as in any radio group.
  await usage.range("7 days").focus();
  await page.keyboard.press("ArrowRight");
  await expect(usage.range("30 days")).toHaveAttribute("aria-checked", "true");
  await expect(usage.range("30 days")).toBeFocused();
  await expect(page).toHaveURL(/\/settings\/usage\?scope=everyone&range=30$/);

  await page.reload();
  await expect(usage.range("30 days")).toHaveAttribute("aria-checked", "true");
  await expect(page.getByRole("checkbox", { name: "Everyone (admin)" })).toBeChecked();
  await expect(usage.byPerson.getByRole("row").filter({ hasText: member.email })).toBeVisible();

  // A member's address asking for everyone's usage shows their own: no scope control, nobody else's rows.
  await member.page.goto("/settings/usage?scope=everyone&range=90");
  const own = new UsagePage(member.page);
  await expect(own.range("90 days")).toHaveAttribute("aria-checked", "true");
  await expect(own.requestsTotal).toHaveText("Total: 1 request");
  await expect(member.page.getByRole("checkbox", { name: "Everyone (admin)" })).toHaveCount(0);
  await expect(own.byPerson).toHaveCount(0);
  await expect(own.recentRows.first().getByRole("columnheader", { name: "Person" })).toHaveCount(0);
});
