import { expect, test, type Browser, type Page } from "@playwright/test";
import { AuthPage, PASSWORD } from "./pages";

/** Settings → Account, by role and accessible name: change password, sign out of all devices. */

class AccountSettings {
  constructor(readonly page: Page) {}

  async open() {
    await this.page.goto("/settings");
    await this.page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Account" }).click();
    await expect(this.page).toHaveURL(/\/settings\/account$/);
  }

  /** The Password section, where its messages appear. */
  get passwordSection() {
    return this.page.getByRole("region", { name: "Password" });
  }

  async changePassword(current: string, next: string) {
    await this.page.getByLabel("Current password").fill(current);
    await this.page.getByLabel("New password").fill(next);
    await this.page.getByRole("button", { name: "Change password" }).click();
  }
}

/** A second browser (its own cookies) signed in to the same account. */
async function secondBrowser(browser: Browser, email: string, password = PASSWORD) {
  const page = await (await browser.newContext()).newPage();
  await new AuthPage(page).signIn(email, password);
  await expect(page.getByRole("textbox", { name: "Message", exact: true })).toBeVisible();
  return page;
}

async function expectSignedOut(page: Page) {
  await page.goto("/");
  await expect(page).toHaveURL(/\/login$/);
}

test("Change password checks the current one, signs out the other browser, and the new one works", async ({ page, browser }) => {
  test.setTimeout(90_000);
  const email = await new AuthPage(page).register();
  const other = await secondBrowser(browser, email);
  const account = new AccountSettings(page);
  await account.open();

  await account.changePassword("not my password", "a much better one");
  await expect(account.passwordSection.getByRole("alert")).toHaveText("Your current password is not right.");
  await account.changePassword(PASSWORD, "short");
  await expect(account.passwordSection.getByRole("alert")).toContainText("at least 8 characters");

  await account.changePassword(PASSWORD, "a much better one");
  await expect(account.passwordSection.getByRole("status")).toHaveText(/Password changed\. Signed out 1 other session/);
  await expect(page.getByLabel("Current password")).toHaveValue("");

  // This browser stays in; the other one is out and needs the new password.
  await page.goto("/");
  await expect(page.getByRole("textbox", { name: "Message", exact: true })).toBeVisible();
  await expectSignedOut(other);
  await new AuthPage(other).signIn(email, PASSWORD);
  await expect(other.getByRole("main").getByRole("alert")).toHaveText("Wrong email or password.");
  await new AuthPage(other).signIn(email, "a much better one");
  await expect(other.getByRole("textbox", { name: "Message", exact: true })).toBeVisible();
});

test("Sign out of all devices ends this session and every other one", async ({ page, browser }) => {
  test.setTimeout(90_000);
  const email = await new AuthPage(page).register();
  const other = await secondBrowser(browser, email);
  const account = new AccountSettings(page);
  await account.open();
  await expect(page.getByText("Signed in on 2 browsers or devices")).toBeVisible();

  await page.getByRole("button", { name: "Sign out of all devices" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expectSignedOut(page);
  await expectSignedOut(other);

  await new AuthPage(page).signIn(email);
  await expect(page.getByRole("textbox", { name: "Message", exact: true })).toBeVisible();
});
