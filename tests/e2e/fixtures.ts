import {
  test as base,
  type BrowserContext,
  type BrowserContextOptions,
  type Page,
  type TestInfo,
} from "@playwright/test";
import { ChatPage } from "./pages";
import { showcase, type Showcase } from "./seed";
import { freshAccount, seeded, type Account, type SeededRole } from "./users";

/**
 * The specs' `test`: Playwright's, plus who is signed in.
 *
 * - `test.use({ signedInAs: "member" })` (or "admin"): the test's own `page` and `context` start signed in
 *   as a user seeded once per run (global-setup.ts). For tests that only need "a signed-in user".
 * - `test.use({ signedInAs: "fresh" })`: a new account made for this test alone (no conversations, no
 *   usage, the default model): for tests about an account's own state.
 * - `openSession(who)`: another browser (its own cookies) signed in as someone; `openPage(options)`: a page
 *   in a new browser, signed out unless the options carry a storage state. Both are closed after the test,
 *   like Playwright's own `context`.
 * - `user`: the account of the test's own page (its email), when `signedInAs` is set.
 * - `showcase`: the seeded admin's conversation, share, key and usage, made the first time it is asked for.
 */

export type Who = SeededRole | "fresh";

export interface Session {
  context: BrowserContext;
  page: Page;
  email: string;
  chat: ChatPage;
}

interface Fixtures {
  signedInAs: Who | undefined;
  user: Account | undefined;
  openSession: (who: Who, options?: BrowserContextOptions) => Promise<Session>;
  openPage: (options?: BrowserContextOptions) => Promise<Page>;
}

interface WorkerFixtures {
  showcase: Showcase;
}

async function account(who: Who, testInfo: TestInfo): Promise<Account> {
  const baseURL = testInfo.project.use.baseURL!;
  return who === "fresh" ? freshAccount(baseURL) : seeded(testInfo.project.outputDir, who);
}

export const test = base.extend<Fixtures, WorkerFixtures>({
  signedInAs: [undefined, { option: true }],

  user: async ({ signedInAs }, use, testInfo) => {
    await use(signedInAs ? await account(signedInAs, testInfo) : undefined);
  },

  storageState: async ({ storageState, user }, use) => {
    await use(user ? user.storageState : storageState);
  },

  openSession: async ({ browser }, use, testInfo) => {
    const contexts: BrowserContext[] = [];
    await use(async (who, options = {}) => {
      const { email, storageState } = await account(who, testInfo);
      const context = await browser.newContext({ ...options, storageState });
      contexts.push(context);
      const page = await context.newPage();
      return { context, page, email, chat: new ChatPage(page) };
    });
    await Promise.all(contexts.map((c) => c.close()));
  },

  openPage: async ({ browser }, use) => {
    const contexts: BrowserContext[] = [];
    await use(async (options = {}) => {
      // Signed out unless asked: browser.newContext() in a test starts from the test's own options,
      // which carry the signed-in state of `signedInAs`.
      const context = await browser.newContext({ storageState: { cookies: [], origins: [] }, ...options });
      contexts.push(context);
      return context.newPage();
    });
    await Promise.all(contexts.map((c) => c.close()));
  },

  showcase: [
    async ({ browser }, use, workerInfo) => {
      const { outputDir, use: options } = workerInfo.project;
      await use(await showcase(browser, options.baseURL!, outputDir, seeded(outputDir, "admin")));
    },
    { scope: "worker", timeout: 240_000 },
  ], // pages, a stopped reply, a share, a key: slow on a busy machine
});

/** A seeded account of this run (its email; its storage state file), for the running test. */
export const seededUser = (role: SeededRole): Account => seeded(test.info().project.outputDir, role);

export { expect } from "@playwright/test";
