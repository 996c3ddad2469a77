import { expect, test } from "./fixtures";
import { AuthPage, NewPasswordPage, PASSWORD, uniqueEmail } from "./pages";

/**
 * Settings → Users: an admin adds a teammate, who signs in with the temporary password and must choose their own
 * first; resets it, which signs them out everywhere; removes the account, which ends it at once. Members see no
 * such page.
 */
const TEMPORARY = /^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/;

test.describe("as the admin", () => {
  test.use({ signedInAs: "admin" });

  test("add a teammate, who signs in; reset the password, which signs them out; remove the account", async ({
    page,
    user,
    openPage,
  }) => {
    test.setTimeout(90_000);
    await page.goto("/settings/keys");
    await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Users" }).click();
    const accounts = page.getByRole("group", { name: "Accounts" });
    await expect(accounts.getByRole("row", { name: new RegExp(user!.email) })).toContainText(/\(you\)\s*Admin/);

    const email = uniqueEmail();
    await page.getByLabel("Email").fill(email);
    await page.getByRole("button", { name: "Add user" }).click();
    await expect(page.getByRole("heading", { name: `${email} can sign in now` })).toBeVisible();
    const first = await page.getByRole("textbox", { name: "Temporary password" }).inputValue();
    expect(first).toMatch(TEMPORARY);
    const row = accounts.getByRole("row", { name: new RegExp(email) });
    await expect(row).toContainText("Member");
    await expect(row).toContainText("Never");
    await expect(row).toContainText("On a temporary password");

    // The same email again is refused, by name.
    await page.getByLabel("Email").fill(email.toUpperCase());
    await page.getByRole("button", { name: "Add user" }).click();
    await expect(page.getByRole("main").getByRole("alert")).toHaveText("An account with this email already exists.");

    // They sign in with it, and are asked for a password of their own (the next test goes on from there).
    const teammate = await openPage();
    const auth = new AuthPage(teammate);
    await auth.signIn(email, first);
    await expect(new NewPasswordPage(teammate).heading).toBeVisible({ timeout: 20_000 });

    // A reset: a new password shown once, and their session is over.
    await row.getByRole("button", { name: "Reset password" }).click();
    const resetDialog = page.getByRole("dialog", { name: "Reset this password?" });
    await resetDialog.getByRole("button", { name: "Reset password" }).click();
    await expect(page.getByRole("heading", { name: `${email} has a new password` })).toBeVisible();
    const second = await page.getByRole("textbox", { name: "Temporary password" }).inputValue();
    expect(second).toMatch(TEMPORARY);
    expect(second).not.toBe(first);
    await teammate.reload();
    await expect(teammate).toHaveURL(/\/login/);
    await auth.signIn(email, first);
    await expect(auth.alert).toHaveText("Wrong email or password.");
    await auth.signIn(email, second);
    await expect(new NewPasswordPage(teammate).heading).toBeVisible({ timeout: 20_000 });

    // Removed: gone from the list, signed out, and the password no longer works.
    await row.getByRole("button", { name: "Remove" }).click();
    await page.getByRole("dialog", { name: "Remove this account?" }).getByRole("button", { name: "Remove" }).click();
    await expect(row).toHaveCount(0);
    // The focus had gone back to the row's Remove button, gone with the row: it is on the list's heading now.
    await expect(page.getByRole("heading", { name: /^\d+ accounts?$/ })).toBeFocused();
    await teammate.reload();
    await expect(teammate).toHaveURL(/\/login/);
    await auth.signIn(email, second);
    await expect(auth.alert).toHaveText("Wrong email or password.");
  });
});

test.describe("a teammate with a temporary password", () => {
  test.use({ signedInAs: "admin" });

  test("is taken to choose their own before anything else, then reaches the chat; the temporary one is over", async ({
    page,
    openPage,
  }) => {
    test.setTimeout(90_000);
    await page.goto("/settings/users");
    const email = uniqueEmail();
    await page.getByLabel("Email").fill(email);
    await page.getByRole("button", { name: "Add user" }).click();
    await expect(page.getByRole("heading", { name: `${email} can sign in now` })).toBeVisible();
    const temporary = await page.getByRole("textbox", { name: "Temporary password" }).inputValue();

    const teammate = await openPage();
    const auth = new AuthPage(teammate);
    await auth.signIn(email, temporary);
    const choose = new NewPasswordPage(teammate);
    await expect(choose.heading).toBeVisible({ timeout: 20_000 });
    await expect(teammate).toHaveURL(/\/change-password$/);
    // Every other page brings them back here.
    await teammate.goto("/settings/keys");
    await expect(choose.heading).toBeVisible();
    await expect(teammate).toHaveURL(/\/change-password\?next=%2Fsettings%2Fkeys$/);
    await teammate.goto("/");
    await expect(choose.heading).toBeVisible();
    await expect(teammate).toHaveURL(/\/change-password$/);
    await expect(teammate.getByRole("textbox", { name: "Message", exact: true })).toHaveCount(0);

    // The temporary password is not a new one.
    await choose.choose(temporary, temporary);
    await expect(auth.alert).toHaveText("Choose a password different from the temporary one.");
    await expect(teammate).toHaveURL(/\/change-password$/);

    const own = `${PASSWORD} of my own`;
    await choose.choose(temporary, own);
    await expect(teammate.getByRole("textbox", { name: "Message", exact: true })).toBeVisible({ timeout: 20_000 });
    await expect(teammate).not.toHaveURL(/change-password/);

    // Signed out, the temporary password no longer opens the account; theirs does, straight to the chat.
    await auth.signOut();
    await auth.signIn(email, temporary);
    await expect(auth.alert).toHaveText("Wrong email or password.");
    await auth.signIn(email, own);
    await expect(teammate.getByRole("textbox", { name: "Message", exact: true })).toBeVisible({ timeout: 20_000 });

    // The admin's list no longer says the account is on a temporary password.
    await page.reload();
    const row = page.getByRole("group", { name: "Accounts" }).getByRole("row", { name: new RegExp(email) });
    await expect(row).toContainText("Member");
    await expect(row).not.toContainText("On a temporary password");
  });
});

test.describe("as a member", () => {
  test.use({ signedInAs: "member" });

  test("no Users tab, the page is not found, and the admin's own Remove replayed from here is refused", async ({
    page,
    openSession,
  }) => {
    await page.goto("/settings/keys");
    const nav = page.getByRole("navigation", { name: "Settings" });
    await expect(nav.getByRole("link", { name: "API keys" })).toBeVisible();
    await expect(nav.getByRole("link", { name: "Users" })).toHaveCount(0);
    expect((await page.goto("/settings/users"))?.status()).toBe(404);

    // The admin presses Remove on an account; the request is held back and sent again with this member's cookie.
    const admin = await openSession("admin");
    await admin.page.goto("/settings/users");
    const target = uniqueEmail();
    await admin.page.getByLabel("Email").fill(target);
    await admin.page.getByRole("button", { name: "Add user" }).click();
    const row = admin.page.getByRole("group", { name: "Accounts" }).getByRole("row", { name: new RegExp(target) });
    await expect(row).toBeVisible();
    let held: { url: string; headers: Record<string, string>; body: string } | undefined;
    await admin.page.route("**/settings/users", async (route) => {
      const req = route.request();
      if (req.method() !== "POST" || !req.headers()["next-action"]) return route.fallback();
      held = { url: req.url(), headers: req.headers(), body: req.postData() ?? "" };
      await route.abort();
    });
    await row.getByRole("button", { name: "Remove" }).click();
    await admin.page
      .getByRole("dialog", { name: "Remove this account?" })
      .getByRole("button", { name: "Remove" })
      .click();
    await expect.poll(() => held).toBeTruthy();
    const { cookie: _adminCookie, ...headers } = held!.headers;
    const replayed = await page.request.post(held!.url, { headers, data: held!.body, failOnStatusCode: false });
    expect(await replayed.text()).toContain("Only admins can do this.");
    await admin.page.unrouteAll();
    await admin.page.reload();
    await expect(admin.page.getByRole("group", { name: "Accounts" })).toContainText(target);
  });
});
