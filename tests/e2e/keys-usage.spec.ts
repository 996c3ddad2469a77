import { expect, test } from "@playwright/test";
import { sqlRow } from "../support/server-database";
import OpenAI from "openai";
import { AuthPage, ChatPage, chooseOption } from "./pages";

test("create a key in the browser, use it with the openai SDK, watch usage, revoke it", async ({ browser, baseURL }) => {
  test.setTimeout(120_000);
  const context = await browser.newContext();
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const page = await context.newPage();
  await new AuthPage(page).register();

  await page.goto("/settings/usage");
  const requestsTotal = page.getByRole("figure", { name: "Requests per day" }).getByText(/^Total: /);
  await expect(requestsTotal).toHaveText("Total: 0 requests");

  await page.goto("/settings/keys");
  await page.getByLabel("Key name").fill("laptop");
  await chooseOption(page, "Expires", "30 days");
  await page.getByRole("button", { name: "Create key" }).click();
  const keyBox = page.getByRole("textbox", { name: "New API key" });
  await expect(keyBox).toHaveValue(/^sk-glm-[A-Za-z0-9_-]{32}$/);
  const key = await keyBox.inputValue();
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
  await expect(page.getByRole("textbox", { name: "New API key" })).toHaveCount(0);
  const row = page.getByRole("row", { name: /laptop/ });
  await expect(row).toContainText(key.slice(0, 13));
  await expect(row).not.toContainText("Never"); // the expiry chosen in the Expires select was saved
  expect(await page.content()).not.toContain(key);

  // The seed's JavaScript example, pointed at this server with the key from the browser.
  const client = new OpenAI({ apiKey: key, baseURL: `${baseURL}/v1`, maxRetries: 0 });
  const response = await client.chat.completions.create({
    model: "GLM-4-Air",
    messages: [{ role: "system", content: "你是一个智能助手" }, { role: "user", content: "请介绍一下智谱AI" }],
    temperature: 0.7,
    stream: false,
  });
  expect(response.choices[0].message.content).toContain("请介绍一下智谱AI");
  const stream = await client.chat.completions.create({ model: "GLM-4-Plus", stream: true, messages: [{ role: "user", content: "hi" }] });
  for await (const _chunk of stream) { /* drain */ }

  await page.goto("/settings/usage");
  await expect(requestsTotal).toHaveText("Total: 2 requests");
  const tokensTotal = page.getByRole("figure", { name: "Tokens per day" }).getByText(/^Total: /);
  await expect(tokensTotal).not.toHaveText("Total: 0 tokens");
  const recent = page.getByRole("region", { name: "Recent requests" }).getByRole("row");
  await expect(recent.first().getByRole("columnheader")).toHaveText(["Time", "Source", "Model", "Tokens", "Latency", "Status"]);
  await expect(recent.nth(1)).toContainText("GLM-4-Plus");
  await expect(recent.nth(1)).toContainText("API · laptop");
  await expect(recent.nth(2)).toContainText("GLM-4-Air");
  await expect(page.getByRole("region", { name: "By key" })).toContainText("laptop");
  await page.getByRole("radio", { name: "30 days" }).click();
  await expect(page.getByRole("radio", { name: "30 days" })).toHaveAttribute("aria-checked", "true");
  await expect(requestsTotal).toHaveText("Total: 2 requests");

  // Chat usage is counted as its own source.
  await page.goto("/");
  await new ChatPage(page).send("counted as chat");
  await page.goto("/settings/usage");
  await expect(requestsTotal).toHaveText("Total: 3 requests");
  await expect(page.getByRole("region", { name: "By key" })).toContainText("Chat (browser)");

  // Revoke with confirmation; the next call is refused at once.
  await page.goto("/settings/keys");
  await page.getByRole("row", { name: /laptop/ }).getByRole("button", { name: "Revoke" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Revoke" }).click();
  await expect(page.getByRole("row", { name: /laptop/ })).toContainText("revoked");
  await expect(client.chat.completions.create({ model: "GLM-4-Air", messages: [{ role: "user", content: "x" }] }))
    .rejects.toMatchObject({ status: 401 });
});

test("another user can neither see nor revoke someone's key", async ({ browser, baseURL }) => {
  test.setTimeout(120_000);
  const aliceName = `alice-key-${Date.now()}`;
  const bobName = `bob-key-${Date.now()}`;
  const alice = await (await browser.newContext()).newPage();
  await new AuthPage(alice).register();
  await alice.goto("/settings/keys");
  await alice.getByLabel("Key name").fill(aliceName);
  await alice.getByRole("button", { name: "Create key" }).click();
  const aliceKey = await alice.getByRole("textbox", { name: "New API key" }).inputValue();

  const bob = await (await browser.newContext()).newPage();
  await new AuthPage(bob).register();
  await bob.goto("/settings/keys");
  await bob.getByLabel("Key name").fill(bobName);
  await bob.getByRole("button", { name: "Create key" }).click();
  await expect(bob.getByRole("row", { name: new RegExp(bobName) })).toBeVisible();
  await expect(bob.getByRole("row", { name: new RegExp(aliceName) })).toHaveCount(0);

  // Bob's own revoke request, rewritten to carry the id of Alice's key (read from Alice's own page).
  const aliceKeyId = await idOfKey(aliceName);
  const bobKeyId = await idOfKey(bobName);
  let rewritten = 0;
  await bob.route("**/*", async (route) => {
    const body = route.request().postData() ?? "";
    if (route.request().headers()["next-action"] && body.includes(bobKeyId)) {
      rewritten++;
      return route.continue({ postData: body.replaceAll(bobKeyId, aliceKeyId) });
    }
    return route.continue();
  });
  await bob.getByRole("row", { name: new RegExp(bobName) }).getByRole("button", { name: "Revoke" }).click();
  await bob.getByRole("dialog").getByRole("button", { name: "Revoke" }).click();
  await expect(bob.getByRole("alert").filter({ hasText: "No active key" })).toBeVisible();
  expect(rewritten).toBe(1);

  const ok = await new OpenAI({ apiKey: aliceKey, baseURL: `${baseURL}/v1`, maxRetries: 0 }).models.list();
  expect(ok.data).toHaveLength(6);
  await bob.goto("/settings/usage");
  await expect(bob.getByRole("region", { name: "By key" })).not.toContainText(aliceName);
});

/** A key's id, read from the server's database (the page shows only the prefix). */
async function idOfKey(name: string): Promise<string> {
  const row = await sqlRow<{ id: string }>("select id from api_keys where name = ?", [name]);
  expect(row?.id).toMatch(/^[0-9a-f-]{36}$/);
  return row!.id;
}

test("usage: a Stop is no error, a refused model name is an \"unknown model\", and one request is \"1 request\"", async ({ browser, baseURL }) => {
  test.setTimeout(120_000);
  const context = await browser.newContext();
  const page = await context.newPage();
  await new AuthPage(page).register();
  const chat = new ChatPage(page);
  await chat.send("one reply");
  await page.goto("/settings/usage");
  const requestsTotal = page.getByRole("figure", { name: "Requests per day" }).getByText(/^Total: /);
  await expect(requestsTotal).toHaveText("Total: 1 request");

  // A Stop in the chat (499) and a model /v1 does not know (404).
  await page.goto("/");
  await chat.send("[words:500][delay:30] a long story", { wait: false });
  await expect(chat.lastReply()).toContainText("simulated reply");
  await page.getByRole("button", { name: "Stop" }).click();
  await chat.waitForIdle();
  await page.goto("/settings/keys");
  await page.getByLabel("Key name").fill("script");
  await page.getByRole("button", { name: "Create key" }).click();
  const key = await page.getByRole("textbox", { name: "New API key" }).inputValue();
  const client = new OpenAI({ apiKey: key, baseURL: `${baseURL}/v1`, maxRetries: 0 });
  await expect(client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] }))
    .rejects.toMatchObject({ status: 404 });

  await page.goto("/settings/usage");
  await expect(requestsTotal).toHaveText("Total: 3 requests");
  const byModel = page.getByRole("region", { name: "By model" });
  await expect(byModel.getByRole("row", { name: /GLM-4-Flash/ }).getByRole("cell")).toHaveText(["GLM-4-Flash", "2", /\d/, /ms$/, "0.0%"]);
  await expect(byModel.getByRole("row", { name: /unknown model/ }).getByRole("cell")).toHaveText(["unknown model", "1", "0", "—", "0.0%"]);
  await expect(byModel).not.toContainText("gpt-4o");
  // The list of requests still says what was sent, and how each ended.
  const recent = page.getByRole("region", { name: "Recent requests" });
  await expect(recent.getByRole("row").nth(1)).toContainText("gpt-4o");
  await expect(recent.getByRole("row").nth(1)).toContainText("404");
  await expect(recent.getByRole("row").nth(2)).toContainText("499");
  await context.close();
});
