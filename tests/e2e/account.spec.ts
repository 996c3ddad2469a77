import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { AccountSettings, AuthPage, ChatPage, PASSWORD } from "./pages";

/** Settings → Account, by role and accessible name: change password, sign out of all devices. */

// Each test changes its account's password or ends its sessions: an account of its own.
test.use({ signedInAs: "fresh" });

async function expectSignedOut(page: Page) {
  await page.goto("/");
  await expect(page).toHaveURL(/\/login$/);
}

test("Change password checks the current one, signs out the other browser, and the new one works", async ({
  page,
  user,
  openPage,
}) => {
  test.setTimeout(90_000);
  // A second browser (its own cookies) signed in to the same account through the sign-in form.
  const other = await openPage();
  await new AuthPage(other).signIn(user!.email);
  await expect(new ChatPage(other).composer).toBeVisible();
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
  await expect(new ChatPage(page).composer).toBeVisible();
  await expectSignedOut(other);
  const otherAuth = new AuthPage(other);
  await otherAuth.signIn(user!.email, PASSWORD);
  await expect(otherAuth.alert).toHaveText("Wrong email or password.");
  await otherAuth.signIn(user!.email, "a much better one");
  await expect(new ChatPage(other).composer).toBeVisible();
});

test("Sign out of all devices ends this session and every other one", async ({ page, user, openPage }) => {
  test.setTimeout(90_000);
  const other = await openPage();
  await new AuthPage(other).signIn(user!.email);
  await expect(new ChatPage(other).composer).toBeVisible();
  const account = new AccountSettings(page);
  await account.open();
  await expect(page.getByText("Signed in on 2 browsers or devices")).toBeVisible();

  // Asked first: Cancel keeps every session.
  await account.signOutEverywhere.click();
  await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await page.reload();
  await expect(page.getByText("Signed in on 2 browsers or devices")).toBeVisible();

  await account.signOutEverywhere.click();
  await page.getByRole("dialog").getByRole("button", { name: "Sign out of all devices" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expectSignedOut(page);
  await expectSignedOut(other);

  await new AuthPage(page).signIn(user!.email);
  await expect(new ChatPage(page).composer).toBeVisible();
});
