import { describe, test } from "node:test";
import assert from "node:assert/strict";
import bcrypt from "bcryptjs";
import { randomUUID } from "node:crypto";
import { sqlRow, sqlRows } from "./helpers";
import { alertText, HttpSession, PASSWORD, uniqueEmail } from "./http-session";

/** Sessions end on the server: a cookie kept from before sign-out (or copied elsewhere) opens nothing. */

const chatBody = JSON.stringify({ id: randomUUID(), messages: [] });

/** What a cookie can still do: a page, /api/chat and a server action, each as a browser would ask. */
async function reach(s: HttpSession) {
  const page = await s.get("/");
  const chat = await s.request("POST", "/api/chat", {
    body: chatBody,
    headers: { "content-type": "application/json" },
  });
  const action = await s.callAction("/settings/keys", "listKeysAction", [{}]);
  return {
    page: page.status === 200 ? "open" : `${page.status} ${page.headers.location ?? ""}`,
    chat: chat.status === 401 ? "401" : "accepted",
    action: /"ok":true/.test(action.body)
      ? "ok"
      : /session has ended/.test(action.body)
        ? "signed out"
        : action.body.slice(0, 200),
  };
}
const SIGNED_IN = { page: "open", chat: "accepted", action: "ok" };
const SIGNED_OUT = { page: "307 /login", chat: "401", action: "signed out" };

async function newAccount() {
  const email = uniqueEmail("sessions");
  const s = new HttpSession();
  const r = await s.register(email, PASSWORD);
  assert.equal(r.status, 303, alertText(r.body));
  return { email, s };
}

async function signedIn(email: string, password = PASSWORD) {
  const s = new HttpSession();
  const r = await s.signIn(email, password);
  assert.equal(r.status, 303, `sign-in refused: ${alertText(r.body)}`);
  return s;
}

describe("signing out", () => {
  test("the old cookie no longer opens a page, /api/chat or a server action", async () => {
    const { s } = await newAccount();
    const kept = s.clone();
    assert.deepEqual(await reach(kept), SIGNED_IN);
    // Page JavaScript sees who is signed in, never the session's id.
    const live = JSON.parse((await kept.request("GET", "/api/auth/session")).body);
    assert.ok(live?.user?.id, "signed in");
    assert.equal(live.sid, undefined);
    const out = await s.signOut();
    assert.equal(out.status, 303);
    assert.equal(out.headers.location, "/login");
    assert.deepEqual(await reach(kept), SIGNED_OUT);
    const session = await kept.request("GET", "/api/auth/session");
    assert.equal(session.body, "null");
  });

  test("Sign out of all devices ends every session of the account, this one too", async () => {
    const { email, s: first } = await newAccount();
    const second = await signedIn(email);
    const other = await newAccount();
    assert.deepEqual(await reach(second), SIGNED_IN);
    const r = await first.callAction("/settings/account", "signOutEverywhereAction", [{}]);
    assert.match(r.body, /"ok":true,"data":\{"ended":2\}/);
    assert.deepEqual(await reach(first), SIGNED_OUT);
    assert.deepEqual(await reach(second), SIGNED_OUT);
    // Someone else's session is untouched.
    assert.deepEqual(await reach(other.s), SIGNED_IN);
    // Signing in again works.
    assert.deepEqual(await reach(await signedIn(email)), SIGNED_IN);
  });
});

describe("changing the password", () => {
  test("checks the current one, ends the other sessions, keeps this one; only the new password works", async () => {
    const { email, s: here } = await newAccount();
    const elsewhere = await signedIn(email);
    const change = (currentPassword: string, newPassword: string) =>
      here.callAction("/settings/account", "changePasswordAction", [{ currentPassword, newPassword }]);

    assert.match(
      (await change("not my password", "a much better one")).body,
      /"ok":false,"error":"Your current password is not right\."/,
    );
    assert.match((await change(PASSWORD, "short")).body, /"ok":false,"error":"New password too weak: Use at least 8/);
    assert.deepEqual(await reach(elsewhere), SIGNED_IN, "a refused change ends nothing");

    assert.match((await change(PASSWORD, "a much better one")).body, /"ok":true,"data":\{"endedSessions":1\}/);
    assert.deepEqual(await reach(here), SIGNED_IN);
    assert.deepEqual(await reach(elsewhere), SIGNED_OUT);

    const old = await new HttpSession().signIn(email, PASSWORD);
    assert.equal(alertText(old.body), "Wrong email or password.");
    assert.deepEqual(await reach(await signedIn(email, "a much better one")), SIGNED_IN);
  });
});

describe("password hashes", () => {
  test("an account with a bcrypt hash signs in and is re-hashed with scrypt", async () => {
    const email = uniqueEmail("bcrypt");
    await sqlRows("insert into users (id, email, password_hash) values (?, ?, ?)", [
      randomUUID(),
      email,
      bcrypt.hashSync(PASSWORD, 10),
    ]);
    const hash = async () =>
      (await sqlRow<{ h: string }>("select password_hash as h from users where email = ?", [email]))!.h;
    assert.match(await hash(), /^\$2[aby]\$/);
    assert.deepEqual(await reach(await signedIn(email)), SIGNED_IN);
    assert.match(await hash(), /^scrypt\$32768\$8\$1\$/);
    assert.deepEqual(await reach(await signedIn(email)), SIGNED_IN, "the new hash verifies");
  });
});
