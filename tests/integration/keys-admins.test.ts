/**
 * Admins revoke members' keys from Settings → API keys, and their own, but not another admin's: the rule
 * Settings → Users follows for accounts (admins do not act on each other). The operator's CLI revokes any.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { test } from "node:test";
import { promisify } from "node:util";
import { adminEmail } from "../e2e/users";
import { eventually, sqlRow } from "./helpers";
import { alertText, HttpSession, PASSWORD, uniqueEmail } from "./http-session";

const run = promisify(execFile);

async function signedUp(who: string): Promise<{ email: string; s: HttpSession }> {
  const email = uniqueEmail(who);
  const s = new HttpSession();
  const r = await s.register(email, PASSWORD);
  assert.equal(r.status, 303, alertText(r.body));
  return { email, s };
}

async function keyOf(s: HttpSession, name: string): Promise<string> {
  const r = await s.callAction("/settings/keys", "createKeyAction", [{ name }]);
  const id = /"id":"([0-9a-f-]{36})"/.exec(r.body)?.[1];
  assert.ok(id, r.body.slice(0, 300));
  return id;
}

const revoke = (s: HttpSession, id: string) => s.callAction("/settings/keys", "revokeKeyAction", [{ id }]);
const revokedAt = async (id: string) =>
  (await sqlRow<{ revoked_at: number | null }>("select revoked_at from api_keys where id = ?", [id]))?.revoked_at;

test("an admin revokes a member's key and their own, not another admin's", async () => {
  const admin = new HttpSession();
  assert.equal((await admin.signIn(adminEmail(), PASSWORD)).status, 303, "the seeded admin signs in");
  const other = await signedUp("other-admin");
  await run("node_modules/.bin/tsx", ["scripts/users.ts", "make-admin", "--email", other.email]);
  const member = await signedUp("key-member");

  const othersKey = await keyOf(other.s, "other admin's key");
  const refused = await revoke(admin, othersKey);
  assert.match(refused.body, /Another admin's keys cannot be revoked here\./);
  assert.equal(await revokedAt(othersKey), null, "the other admin's key still works");
  // Listed for the admin, but not offered for revoking.
  const listed = await admin.callAction("/settings/keys", "listKeysAction", [{}]);
  assert.match(listed.body, new RegExp(`"id":"${othersKey}"[^}]*"revocable":false`));

  const membersKey = await keyOf(member.s, "member's key");
  assert.match((await revoke(admin, membersKey)).body, /"ok":true/);
  // Read from another connection: the server commits its loop turn's writes just after the answer may leave.
  assert.notEqual(
    await eventually(
      () => revokedAt(membersKey),
      (at) => at !== null,
    ),
    null,
  );
  const own = await keyOf(admin, "admin's own key");
  assert.match((await revoke(admin, own)).body, /"ok":true/);
  // The other admin revokes their own key as usual.
  assert.match((await revoke(other.s, othersKey)).body, /"ok":true/);
});
