import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import type { Showcase } from "./seed";

/**
 * axe-core on every page, light and dark: no serious or critical violation of WCAG 2.1 A/AA (colour
 * contrast among them) or of axe's best practices, and each page's content in one main landmark. Pages are checked once their content has loaded.
 * Signed-in pages are the seeded admin's, with the showcase on them (a conversation, a share, a key,
 * usage); as an admin, the keys and usage pages show their admin columns and controls too.
 */

type Ready = (page: Page) => Promise<void>;
const heading =
  (name: string | RegExp): Ready =>
  async (page) => {
    await expect(page.getByRole("heading", { name }).first()).toBeVisible();
  };

const signedOut: [string, Ready][] = [
  ["/login", async (p) => expect(p.getByRole("button", { name: "Sign in" })).toBeVisible()],
  ["/register", async (p) => expect(p.getByRole("button", { name: "Create account" })).toBeVisible()],
];
const signedIn: [(s: Showcase) => string, Ready][] = [
  [() => "/", async (p) => expect(p.getByRole("textbox", { name: "Message", exact: true })).toBeVisible()],
  [
    (s) => s.chatPath,
    async (p) => {
      await expect(p.getByRole("article", { name: "Assistant message" }).first().locator("pre code")).toBeVisible();
      await expect(p.getByText("Stopped", { exact: true })).toBeVisible();
    },
  ],
  [() => "/settings/keys", heading("All API keys (admin)")],
  [() => "/settings/shares", async (p) => expect(p.getByRole("button", { name: "Stop sharing" })).toBeVisible()],
  [() => "/settings/usage", heading("By model")],
  [() => "/settings/account", async (p) => expect(p.getByRole("button", { name: "Change password" })).toBeVisible()],
  [() => "/settings/users", heading("Add a user")],
  [
    (s) => s.sharePath,
    async (p) => expect(p.getByRole("article", { name: "Assistant message" }).first()).toBeVisible(),
  ],
];

/** Counted whatever impact axe gives them: one main landmark, top level, for a screen reader to jump to. */
const ALWAYS = new Set(["landmark-one-main", "landmark-no-duplicate-main", "landmark-main-is-top-level"]);

async function audit(page: Page) {
  const { violations } = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"])
    .analyze();
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical" || ALWAYS.has(v.id))
    .map((v) => ({
      rule: v.id,
      impact: v.impact,
      nodes: v.nodes.map((n) => `${n.target.join(" ")}: ${n.failureSummary}`),
    }));
}

/**
 * Light, then dark on the same page: the theme is the `prefers-color-scheme` media query
 * (app/globals.css), so emulating the other scheme restyles the page without loading it again.
 */
async function auditBothThemes(page: Page) {
  const light = await audit(page);
  await page.emulateMedia({ colorScheme: "dark" });
  expect(await page.evaluate(() => matchMedia("(prefers-color-scheme: dark)").matches)).toBe(true);
  // Buttons ease their colours from one theme to the other: audited mid-way, a button read as #aaa on #545454
  // (contrast 3.25) in one CI run. Only the colours the page settles on count.
  await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined))));
  const dark = await audit(page);
  return { light, dark };
}

// One test per page, both themes in it: a failure names its page and theme, and each stays well inside its own
// timeout (a page load per theme was half of this file's time in the browser pass).
for (const [path, ready] of signedOut) {
  test(`${path} passes axe-core (light and dark)`, async ({ openPage }) => {
    const page = await openPage({ colorScheme: "light" });
    await page.goto(path);
    await ready(page);
    expect(await auditBothThemes(page)).toEqual({ light: [], dark: [] });
  });
}
for (const [name, [path, ready]] of [
  "empty chat",
  "conversation",
  "keys",
  "shares",
  "usage",
  "account",
  "share page",
].map((n, i) => [n, signedIn[i]] as const)) {
  test(`${name} passes axe-core (light and dark)`, async ({ openSession, showcase }) => {
    test.setTimeout(60_000);
    const { page } = await openSession("admin", { colorScheme: "light" });
    await page.goto(path(showcase));
    await ready(page);
    expect(await auditBothThemes(page)).toEqual({ light: [], dark: [] });
  });
}
