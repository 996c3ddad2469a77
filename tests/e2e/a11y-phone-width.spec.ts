import { expect, test, type Locator, type Page } from "@playwright/test";
import { seedUser, type Seeded } from "./seed";

/**
 * WCAG 1.4.10 Reflow on a 390 px phone: no settings page scrolls sideways, and the row actions can be
 * reached. Wide tables scroll inside their own box (their actions pinned to its edge), never the page.
 */

let seeded: Seeded;
test.beforeAll(async ({ browser, baseURL }) => {
  test.setTimeout(120_000);
  seeded = await seedUser(browser, baseURL!);
});

const PHONE = { width: 390, height: 844 };

async function pageWidth(page: Page) {
  return page.evaluate(() => document.documentElement.scrollWidth);
}

/** Scrolled to, the whole button is inside the window (not cut off by the page or its table's box). */
async function expectReachable(page: Page, button: Locator) {
  await button.scrollIntoViewIfNeeded();
  const box = (await button.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
  // Nothing covers it: a click lands on the button itself.
  await expect(button).toBeInViewport({ ratio: 1 });
  const onTop = await button.evaluate((el, [x, y]) => el.contains(document.elementFromPoint(x, y)),
    [box.x + box.width / 2, box.y + box.height / 2]);
  expect(onTop).toBe(true);
}

test("at 390 px the settings pages do not scroll sideways and Revoke / Stop sharing are reachable", async ({ browser }) => {
  test.setTimeout(90_000);
  const context = await browser.newContext({ viewport: PHONE, storageState: seeded.storageState });
  const page = await context.newPage();

  await page.goto("/settings/keys");
  const revoke = page.getByRole("row", { name: /laptop/ }).getByRole("button", { name: "Revoke" });
  await expect(revoke).toBeVisible();
  expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE.width);
  await expectReachable(page, revoke);

  await page.goto("/settings/shares");
  const stop = page.getByRole("row", { name: /fixture:markdown/ }).getByRole("button", { name: "Stop sharing" });
  await expect(stop).toBeVisible();
  expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE.width);
  await expectReachable(page, stop);
  const open = (await page.getByRole("row", { name: /fixture:markdown/ }).getByRole("link", { name: "Open" }).boundingBox())!;
  expect(open.x + open.width).toBeLessThanOrEqual(PHONE.width);

  await page.goto("/settings/usage");
  const recent = page.getByRole("region", { name: "Recent requests" });
  await expect(recent.getByRole("row").nth(1)).toBeVisible();
  const headers = recent.getByRole("row").first().getByRole("columnheader");
  await expect(headers).toHaveText(["Time", "Source", "Model", "Tokens", "Latency", "Status"]);
  // Headers are not squeezed: each stays on one line.
  for (const h of await headers.all()) {
    const lineHeight = await h.evaluate((el) => parseFloat(getComputedStyle(el).lineHeight));
    const { height } = (await h.boundingBox())!;
    expect(height).toBeLessThan(lineHeight * 2 + 16);
  }
  await expect(page.getByRole("heading", { name: "By model" })).toBeVisible();
  expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE.width);
  await context.close();
});
