/**
 * `npm run users`: what the operator does that Settings → Users leaves to them. An account made from the
 * command line signs in with the temporary password it prints; a reset ends its sessions and only the new
 * password works; make-admin and remove-admin open and close the admin pages.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { test } from "node:test";
import { promisify } from "node:util";
import { signIn, uniqueEmail } from "../support/http-auth";
import { APP_URL } from "./helpers";

const run = promisify(execFile);
async function users(...args: string[]): Promise<{ out: string; last: string }> {
  const { stdout } = await run("node_modules/.bin/tsx", ["scripts/users.ts", ...args], { encoding: "utf8" });
  return { out: stdout, last: stdout.trim().split("\n").pop() ?? "" };
}

/** The status of a signed-in page with this cookie header (a redirect to /login when signed out). */
async function pageStatus(cookie: string, path: string): Promise<number> {
  const res = await fetch(`${APP_URL}${path}`, { headers: { cookie, accept: "text/html" }, redirect: "manual" });
  await res.arrayBuffer();
  return res.status;
}

test("create, reset-password, make-admin and remove-admin, from the command line", async () => {
  // Not the database's first account (which is an admin), whichever tests ran before.
  await users("create", "--email", uniqueEmail("cli-first"));
  const email = uniqueEmail("cli");
  const created = await users("create", "--email", email);
  assert.match(created.last, /^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
  const first = await signIn(APP_URL, email, created.last);
  assert.equal(first.error, undefined);
  assert.equal(await pageStatus(first.jar.header(), "/settings/account"), 200);

  const reset = await users("reset-password", "--email", email);
  assert.match(reset.out, /1 session\(s\) ended/);
  assert.notEqual(reset.last, created.last);
  assert.notEqual(await pageStatus(first.jar.header(), "/settings/account"), 200, "the old session is over");
  assert.equal((await signIn(APP_URL, email, created.last)).error, "Wrong email or password.");
  const second = await signIn(APP_URL, email, reset.last);
  assert.equal(second.error, undefined);

  assert.equal(await pageStatus(second.jar.header(), "/settings/users"), 404, "a member has no Users page");
  await users("make-admin", "--email", email);
  assert.equal(await pageStatus(second.jar.header(), "/settings/users"), 200);
  await users("remove-admin", "--email", email);
  assert.equal(await pageStatus(second.jar.header(), "/settings/users"), 404);

  assert.match((await users("list")).out, new RegExp(`${email.replace(/[.+]/g, "\\$&")}\\tmember`));
  await assert.rejects(users("reset-password", "--email", uniqueEmail("nobody")), /no account/);
});
