/**
 * `npm run users`: what the operator does that Settings → Users leaves to them. An account made from the
 * command line signs in with the temporary password it prints (and then chooses its own); a reset ends its
 * sessions and only the new password works; make-admin and remove-admin open and close the admin pages.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import { alertText, HttpSession, PASSWORD, uniqueEmail } from "./http-session";

const run = promisify(execFile);
async function users(...args: string[]): Promise<{ out: string; last: string }> {
  const { stdout } = await run("node_modules/.bin/tsx", ["scripts/users.ts", ...args], { encoding: "utf8" });
  return { out: stdout, last: stdout.trim().split("\n").pop() ?? "" };
}

/** Where a page leads this browser: "200", or a redirect's status and (relative) location. */
async function where(s: HttpSession, path: string): Promise<string> {
  const r = await s.get(path);
  return r.headers.location ? `${r.status} ${r.headers.location}` : String(r.status);
}

/** Signs in with a temporary password and replaces it, as the page it leads to asks. */
async function signInAndChoose(email: string, temporary: string): Promise<HttpSession> {
  const s = new HttpSession();
  assert.equal((await s.signIn(email, temporary)).status, 303);
  const r = await s.callAction("/change-password", "changePasswordAction", [
    { currentPassword: temporary, newPassword: PASSWORD },
  ]);
  assert.match(r.body, /"ok":true/);
  return s;
}

test("create, reset-password, make-admin and remove-admin, from the command line", async () => {
  // Not the database's first account (which is an admin), whichever tests ran before.
  await users("create", "--email", uniqueEmail("cli-first"));
  const email = uniqueEmail("cli");
  const created = await users("create", "--email", email);
  assert.match(created.last, /^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
  const first = new HttpSession();
  assert.equal((await first.signIn(email, created.last)).status, 303);
  // In, and asked for a password of its own first (users-temporary-password.test.ts).
  assert.equal(await where(first, "/settings/account"), "307 /change-password?next=%2Fsettings%2Faccount");

  const reset = await users("reset-password", "--email", email);
  assert.match(reset.out, /1 session\(s\) ended/);
  assert.notEqual(reset.last, created.last);
  assert.equal(
    await where(first, "/settings/account"),
    "307 /login?next=%2Fsettings%2Faccount",
    "the old session is over",
  );
  assert.equal(alertText((await new HttpSession().signIn(email, created.last)).body), "Wrong email or password.");
  const second = await signInAndChoose(email, reset.last);

  assert.equal(await where(second, "/settings/users"), "404", "a member has no Users page");
  await users("make-admin", "--email", email);
  assert.equal(await where(second, "/settings/users"), "200");
  await users("remove-admin", "--email", email);
  assert.equal(await where(second, "/settings/users"), "404");

  assert.match((await users("list")).out, new RegExp(`${email.replace(/[.+]/g, "\\$&")}\\tmember`));
  await assert.rejects(users("reset-password", "--email", uniqueEmail("nobody")), /no account/);
});

test("--help is the usage (exit 0); a DATABASE_URL naming no file is refused, not made into an empty database", async () => {
  for (const tool of ["scripts/users.ts", "scripts/keys.ts"]) {
    const help = await run("node_modules/.bin/tsx", [tool, "--help"], { encoding: "utf8" });
    assert.match(help.stdout, /^usage: npm run (users|keys) -- /);
  }
  const missing = `/tmp/glm-no-such-dir-${process.pid}/app.db`;
  const env = { ...process.env, DATABASE_URL: `file:${missing}` };
  for (const args of [
    ["scripts/users.ts", "list"],
    ["scripts/keys.ts", "list"],
  ]) {
    await assert.rejects(run("node_modules/.bin/tsx", args, { encoding: "utf8", env }), (err: { stderr: string }) => {
      assert.match(err.stderr, new RegExp(`no database at ${missing}\\. Set DATABASE_URL`));
      return true;
    });
  }
  assert.equal(existsSync(path.dirname(missing)), false, "nothing was made");
});
