/**
 * A temporary password (`npm run users`, Settings → Users) opens only the page that replaces it: every other
 * page sends the account there, the chat's routes and the server actions refuse it, signing out works, and
 * `/v1` with the account's API key is not concerned. The owner's own password clears the mark; the temporary
 * one cannot be chosen again, and stops working once replaced.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import { promisify } from "node:util";
import { client, createKey, sqlRow } from "./helpers";
import { actionId, alertText, HttpSession, PASSWORD, uniqueEmail } from "./http-session";

const run = promisify(execFile);
/** `npm run users -- …`: the temporary password is the last line. */
async function temporaryPassword(...args: string[]): Promise<string> {
  const { stdout } = await run("node_modules/.bin/tsx", ["scripts/users.ts", ...args], { encoding: "utf8" });
  return stdout.trim().split("\n").pop() ?? "";
}

/** Where a page leads this browser: "200", or a redirect's status and (relative) location. */
async function where(s: HttpSession, path: string): Promise<string> {
  const r = await s.get(path);
  return r.headers.location ? `${r.status} ${r.headers.location}` : String(r.status);
}

const CHOOSE_FIRST =
  "Choose a new password first: this account still has the temporary password someone else set for it.";
const json = { "content-type": "application/json" };
const change = (s: HttpSession, currentPassword: string, newPassword: string) =>
  s.callAction("/change-password", "changePasswordAction", [{ currentPassword, newPassword }]);

test("signed in with a temporary password, only choosing a new one is open until it is done", async () => {
  await temporaryPassword("create", "--email", uniqueEmail("tmp-first")); // not the database's first account
  const email = uniqueEmail("tmp");
  const temporary = await temporaryPassword("create", "--email", email);
  const s = new HttpSession();
  assert.equal((await s.signIn(email, temporary)).status, 303);

  // Pages lead to the change-password page, coming back to the one asked for afterwards.
  assert.equal(await where(s, "/"), "307 /change-password");
  assert.equal(await where(s, "/settings/keys"), "307 /change-password?next=%2Fsettings%2Fkeys");
  const chatPage = `/chat/${randomUUID()}`;
  assert.equal(await where(s, chatPage), `307 /change-password?next=${encodeURIComponent(chatPage)}`);
  assert.equal(await where(s, "/change-password"), "200");

  // The browser's routes and server actions are refused, saying why (in the reader's language, keyed).
  const chat = await s.request("POST", "/api/chat", {
    body: JSON.stringify({ id: randomUUID(), messages: [] }),
    headers: { ...json, origin: new URL(process.env.APP_URL!).origin },
  });
  assert.equal(chat.status, 403);
  assert.deepEqual(JSON.parse(chat.body), { error: CHOOSE_FIRST, key: "choosePasswordFirst" });
  const exported = await s.request("GET", "/api/data/export");
  assert.equal(exported.status, 403, "nor is the account's data readable with it");
  const key = await s.callAction("/settings/keys", "createKeyAction", [{ name: "with a temporary password" }]);
  assert.ok(key.body.includes(`"ok":false,"error":"${CHOOSE_FIRST}"`), key.body.slice(0, 300));
  const owner = await sqlRow<{ id: string }>("select id from users where email = ?", [email]);
  assert.equal((await sqlRow("select id from api_keys where user_id = ?", [owner!.id])) ?? null, null);

  // /v1 takes API keys, a credential of their own: one the operator made for this account works.
  const apiKey = await createKey("tmp-account", email);
  assert.ok((await client(apiKey).models.list()).data.length > 0);

  // Not the temporary password again.
  assert.match(
    (await change(s, temporary, temporary)).body,
    /"ok":false,"error":"Choose a password different from the temporary one\."/,
  );
  assert.equal(await where(s, "/"), "307 /change-password", "still to be done");

  const own = `${PASSWORD} of my own`;
  assert.match((await change(s, temporary, own)).body, /"ok":true/);
  assert.equal(await where(s, "/"), "200");
  assert.equal(await where(s, "/change-password?next=%2Fsettings%2Fkeys"), "307 /settings/keys");
  assert.equal(await where(s, "/change-password"), "307 /settings/account", "nothing to do there any more");
  assert.match((await s.callAction("/settings/keys", "listKeysAction", [{}])).body, /"ok":true/);

  // The temporary password is over; the new one works, straight to the app.
  const again = new HttpSession();
  assert.equal(alertText((await again.signIn(email, temporary)).body), "Wrong email or password.");
  assert.equal((await again.signIn(email, own)).status, 303);
  assert.equal(await where(again, "/"), "200");
});

test("a reset marks the account again; meanwhile signing out works; sign-up's own password is not marked", async () => {
  const email = uniqueEmail("tmp-reset");
  const mine = new HttpSession();
  assert.equal((await mine.register(email, PASSWORD)).status, 303);
  assert.equal(await where(mine, "/"), "200", "a password its owner chose leads nowhere else");

  const temporary = await temporaryPassword("reset-password", "--email", email);
  const s = new HttpSession();
  assert.equal((await s.signIn(email, temporary)).status, 303);
  assert.equal(await where(s, "/settings/account"), "307 /change-password?next=%2Fsettings%2Faccount");
  // The page's Sign out button, without JavaScript.
  const out = await s.submitForm("/change-password", {}, (html) => html.includes(actionId("logout")));
  assert.equal(out.status, 303);
  assert.equal(await where(s, "/"), "307 /login");
});
