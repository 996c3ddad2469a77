import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { expect, type Browser } from "@playwright/test";
import OpenAI from "openai";
import { ChatPage, KeysPage, pathOf } from "./pages";
import { authDir, type Account } from "./users";

/**
 * Something on every page, owned by the seeded admin: a conversation with a markdown reply (table, list,
 * code block) and a stopped reply, a share of it, an API key, and /v1 requests (one refused). Made once
 * per run, the first time a spec asks for it (the fixture `showcase`), and recorded in the run's output
 * folder so a restarted worker finds it rather than making a second copy. Specs find its rows by the
 * unique key name and share path, never by a title another copy could have.
 */
export interface Showcase {
  chatPath: string;
  sharePath: string;
  /** The name of the showcase's API key: long, and unique to this showcase. */
  keyName: string;
}

export async function showcase(
  browser: Browser,
  baseURL: string,
  outputDir: string,
  owner: Account,
): Promise<Showcase> {
  const file = path.join(authDir(outputDir), "showcase.json");
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as Showcase;
  const made = await makeShowcase(browser, baseURL, owner);
  writeFileSync(file, JSON.stringify(made, null, 2));
  return made;
}

async function makeShowcase(browser: Browser, baseURL: string, owner: Account): Promise<Showcase> {
  const context = await browser.newContext({ baseURL, storageState: owner.storageState });
  try {
    const page = await context.newPage();
    const chat = new ChatPage(page);
    await chat.open();
    await chat.send("[fixture:markdown]");
    await expect(chat.lastReply().locator("pre code")).toBeVisible();
    await chat.sendAndStop("[words:500][delay:30] a long story");
    await expect(chat.lastReply()).toContainText("Stopped");
    const chatPath = pathOf(page.url());

    const share = await chat.openShareDialog();
    const sharePath = pathOf(await share.createLink());
    await share.close();

    const keys = new KeysPage(page);
    await keys.open();
    // Unique, so a showcase made again after an attempt that timed out half-way is still told apart.
    const keyName = `laptop with a rather long key name ${Date.now().toString(36)}`;
    const key = await keys.create(keyName);
    const client = new OpenAI({ apiKey: key, baseURL: `${baseURL}/v1`, maxRetries: 0 });
    await client.chat.completions.create({ model: "GLM-4-Air", messages: [{ role: "user", content: "hi" }] });
    await expect(
      client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] }),
    ).rejects.toMatchObject({ status: 404 });
    return { chatPath, sharePath, keyName };
  } finally {
    await context.close();
  }
}
