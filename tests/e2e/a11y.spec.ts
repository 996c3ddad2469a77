import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { seedUser, type Seeded } from "./seed";

/**
 * axe-core on every page, light and dark: no serious or critical violation of WCAG 2.1 A/AA (colour
 * contrast among them) or of axe's best practices. Pages are checked once their content has loaded.
 */

let seeded: Seeded;
test.beforeAll(async ({ browser, baseURL }) => {
  test.setTimeout(120_000);
  seeded = await seedUser(browser, baseURL!);
});

type Ready = (page: Page) => Promise<void>;
const heading = (name: string | RegExp): Ready => async (page) => {
  await expect(page.getByRole("heading", { name }).first()).toBeVisible();
};

const signedOut: [string, Ready][] = [
  ["/login", async (p) => expect(p.getByRole("button", { name: "Sign in" })).toBeVisible()],
  ["/register", async (p) => expect(p.getByRole("button", { name: "Create account" })).toBeVisible()],
];
const signedIn: [() => string, Ready][] = [
  [() => "/", async (p) => expect(p.getByRole("textbox", { name: "Message", exact: true })).toBeVisible()],
  [() => seeded.chatPath, async (p) => {
    await expect(p.getByRole("article", { name: "Assistant message" }).first().locator("pre code")).toBeVisible();
    await expect(p.getByText("Stopped", { exact: true })).toBeVisible();
  }],
  [() => "/settings/keys", heading("Your API keys")],
  [() => "/settings/shares", async (p) => expect(p.getByRole("button", { name: "Stop sharing" })).toBeVisible()],
  [() => "/settings/usage", heading("By model")],
  [() => "/settings/account", async (p) => expect(p.getByRole("button", { name: "Change password" })).toBeVisible()],
  [() => seeded.sharePath, async (p) => expect(p.getByRole("article", { name: "Assistant message" }).first()).toBeVisible()],
];

async function audit(page: Page) {
  const { violations } = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"])
    .analyze();
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ rule: v.id, impact: v.impact, nodes: v.nodes.map((n) => `${n.target.join(" ")}: ${n.failureSummary}`) }));
}

// One test per page and theme: a failure names its page, and each stays well inside its own timeout.
for (const colorScheme of ["light", "dark"] as const) {
  for (const [path, ready] of signedOut) {
    test(`${path} passes axe-core (${colorScheme})`, async ({ browser }) => {
      const context = await browser.newContext({ colorScheme });
      const page = await context.newPage();
      await page.goto(path);
      await ready(page);
      expect(await audit(page)).toEqual([]);
      await context.close();
    });
  }
  for (const [name, [path, ready]] of ["empty chat", "conversation", "keys", "shares", "usage", "account", "share page"]
    .map((n, i) => [n, signedIn[i]] as const)) {
    test(`${name} passes axe-core (${colorScheme})`, async ({ browser }) => {
      test.setTimeout(60_000);
      const context = await browser.newContext({ colorScheme, storageState: seeded.storageState });
      const page = await context.newPage();
      await page.goto(path());
      await ready(page);
      expect(await audit(page)).toEqual([]);
      await context.close();
    });
  }
}
