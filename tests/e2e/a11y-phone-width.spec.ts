import type { Locator, Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { KeysPage, SharesPage, UsagePage } from "./pages";

/**
 * WCAG 1.4.10 Reflow on a 390 px phone: no settings page scrolls sideways, every settings tab is on screen,
 * and the row actions can be reached. Wide tables scroll inside their own box (their actions pinned to its edge), never the page.
 * As the seeded admin, whose keys table is the widest (it has the owners' column).
 */

const PHONE = { width: 390, height: 844 };

async function pageWidth(page: Page) {
  return page.evaluate(() => document.documentElement.scrollWidth);
}

/** Scrolled to, the whole button is inside the window (not cut off by the page or its table's box). */
async function expectReachable(_page: Page, button: Locator) {
  await button.scrollIntoViewIfNeeded();
  const box = (await button.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
  // Nothing covers it: a click lands on the button itself.
  await expect(button).toBeInViewport({ ratio: 1 });
  const onTop = await button.evaluate(
    (el, [x, y]) => el.contains(document.elementFromPoint(x, y)),
    [box.x + box.width / 2, box.y + box.height / 2],
  );
  expect(onTop).toBe(true);
}

test("at 390 px the settings pages do not scroll sideways and Revoke / Stop sharing are reachable", async ({
  openSession,
  showcase,
}) => {
  test.setTimeout(90_000);
  const { page } = await openSession("admin", { viewport: PHONE });

  const keys = new KeysPage(page);
  await keys.open();
  // Every settings tab is on screen, none past the edge of a row that scrolls sideways.
  const tabs = page.getByRole("navigation", { name: "Settings" }).getByRole("link");
  await expect(tabs).toHaveText(["API keys", "Usage", "Shared links", "Account", "Data", "Models", "Users"]);
  for (const tab of await tabs.all()) await expect(tab).toBeInViewport({ ratio: 1 });
  const revoke = keys.row(showcase.keyName).getByRole("button", { name: "Revoke" });
  await expect(revoke).toBeVisible();
  expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE.width);
  await expectReachable(page, revoke);

  const shares = new SharesPage(page);
  await shares.open();
  const row = shares.rowOf(showcase.sharePath);
  await expect(row).toContainText("fixture:markdown");
  const stop = row.getByRole("button", { name: "Stop sharing" });
  await expect(stop).toBeVisible();
  expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE.width);
  await expectReachable(page, stop);
  const open = (await row.getByRole("link", { name: "Open" }).boundingBox())!;
  expect(open.x + open.width).toBeLessThanOrEqual(PHONE.width);

  const usage = new UsagePage(page);
  await usage.open();
  await expect(usage.recentRows.nth(1)).toBeVisible();
  const headers = usage.recentRows.first().getByRole("columnheader");
  await expect(headers).toHaveText(["Time", "Source", "Model", "Tokens", "Latency", "Status"]);
  // Headers are not squeezed: each stays on one line.
  for (const h of await headers.all()) {
    const lineHeight = await h.evaluate((el) => parseFloat(getComputedStyle(el).lineHeight));
    const { height } = (await h.boundingBox())!;
    expect(height).toBeLessThan(lineHeight * 2 + 16);
  }
  await expect(page.getByRole("heading", { name: "By model" })).toBeVisible();
  expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE.width);

  // Settings → Users: the accounts table scrolls in its own box; a member's Remove can be reached.
  await page.goto("/settings/users");
  const remove = page.getByRole("group", { name: "Accounts" }).getByRole("button", { name: "Remove" }).first();
  await expect(remove).toBeVisible();
  expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE.width);
  await expectReachable(page, remove);
});
