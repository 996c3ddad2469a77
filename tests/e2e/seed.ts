import { expect, type Browser, type BrowserContextOptions } from "@playwright/test";
import OpenAI from "openai";
import { AuthPage, ChatPage } from "./pages";

/**
 * One user with something on every page: a conversation with a markdown reply (table, list, code block)
 * and a stopped reply, a share of it, an API key, and /v1 requests (one refused). Returns the signed-in
 * state, so each theme and screen size opens the same pages in a fresh context.
 */
export interface Seeded {
  storageState: NonNullable<BrowserContextOptions["storageState"]>;
  chatPath: string;
  sharePath: string;
}

export async function seedUser(browser: Browser, baseURL: string): Promise<Seeded> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await new AuthPage(page).register();
  const chat = new ChatPage(page);
  await chat.send("[fixture:markdown]");
  await expect(chat.lastReply().locator("pre code")).toBeVisible();
  await chat.send("[words:500][delay:30] a long story", { wait: false });
  await expect(chat.lastReply()).toContainText("simulated reply");
  await page.getByRole("button", { name: "Stop" }).click();
  await chat.waitForIdle();
  await expect(chat.lastReply()).toContainText("Stopped");
  const chatPath = new URL(page.url()).pathname;

  await page.getByRole("button", { name: "Share" }).click();
  const dialog = page.getByRole("dialog", { name: "Share conversation" });
  await dialog.getByRole("button", { name: "Create link" }).click();
  const sharePath = new URL(await dialog.getByRole("textbox", { name: "Share link" }).inputValue()).pathname;
  await dialog.press("Escape");

  await page.goto("/settings/keys");
  await page.getByLabel("Key name").fill("laptop with a rather long key name");
  await page.getByRole("button", { name: "Create key" }).click();
  const key = await page.getByRole("textbox", { name: "New API key" }).inputValue();
  const client = new OpenAI({ apiKey: key, baseURL: `${baseURL}/v1`, maxRetries: 0 });
  await client.chat.completions.create({ model: "GLM-4-Air", messages: [{ role: "user", content: "hi" }] });
  await expect(client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] }))
    .rejects.toMatchObject({ status: 404 });

  const storageState = await context.storageState();
  await context.close();
  return { storageState, chatPath, sharePath };
}
