import { expect, seededUser, test } from "./fixtures";
import { AuthPage, ChatPage, PASSWORD, uniqueEmail } from "./pages";

/** Sign-up itself is under test here: these accounts are made through /register in the browser. */

test("register, sign out, sign back in; signed-out visitors land on /login", async ({ page }) => {
  const auth = new AuthPage(page);
  const email = await auth.register();
  await auth.signOut();

  await page.goto("/");
  await expect(page).toHaveURL(/\/login$/);
  await page.goto("/chat/anything");
  await expect(page).toHaveURL(/\/login\?next=%2Fchat%2Fanything$/);

  await auth.signIn(email, "wrong password!");
  await expect(auth.alert).toHaveText("Wrong email or password.");
  await auth.signIn(email.toUpperCase());
  await expect(new ChatPage(page).composer).toBeVisible();
  // The host the user typed is kept through sign-in (127.0.0.1, not localhost).
  expect(new URL(page.url()).host).toBe(new URL(test.info().project.use.baseURL!).host);
});

test("a link opened signed out leads back to its page after signing in, or after signing up", async ({ page }) => {
  const auth = new AuthPage(page);
  const email = await auth.register();
  await auth.signOut();
  await page.goto("/settings/usage?range=30");
  await expect(page).toHaveURL(/\/login\?next=/);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/settings\/usage\?range=30$/);

  // Someone without an account follows the link to sign up, and still arrives.
  await page.goto("/"); // Sign out is in the chat's sidebar
  await auth.signOut();
  await page.goto("/settings/keys");
  await page.getByRole("link", { name: "Create one" }).click();
  await expect(page).toHaveURL(/\/register\?next=%2Fsettings%2Fkeys$/);
  await page.getByLabel("Email").fill(uniqueEmail());
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/settings\/keys$/);
});

test("clear messages for a taken email and a weak password", async ({ page }) => {
  const auth = new AuthPage(page);
  const email = seededUser("member").email; // taken since the global setup

  await page.goto("/register");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(auth.alert).toContainText("already exists");

  await page.getByLabel("Email").fill(uniqueEmail());
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(auth.alert).toContainText("at least 8 characters");

  await auth.signIn(uniqueEmail("nobody"));
  await expect(auth.alert).toHaveText("Wrong email or password.");
});
