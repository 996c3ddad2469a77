/**
 * A password someone else set (Add user, Reset password, `npm run users`) marks the account until its owner
 * chooses their own (lib/auth/temporary-password.ts). On a real database (in-memory SQLite; PostgreSQL too
 * when TEST_DATABASE_URL is set), through the same functions the page, the CLI and sign-in use. The mark must
 * come with the session lookup every page already makes (SQLite answers that with a statement of its own).
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { alsoOnPostgres, openTestDatabase } from "../support/engines";

let db: import("@/db").Db;
let close: () => Promise<void>;

after(() => close?.());
alsoOnPostgres(__filename);

before(async () => {
  ({ db, close } = await openTestDatabase());
});

/** The account as a page sees it: through its session's row, the one query per request. */
async function asSessionSees(userId: string, sessionId: string) {
  const { sessionUser } = await import("@/lib/auth/sessions");
  return (await sessionUser({ sessionId, userId }))?.mustChangePassword;
}

test("an account made with a temporary password is marked, and its session carries the mark", async () => {
  const accounts = await import("@/lib/auth/accounts");
  const { createUser, findUserById } = await import("@/db/queries/users");
  const { startSession } = await import("@/lib/auth/sessions");
  // Accounts whose owners chose the password are not marked: signed up, or made as before (the default).
  const own = await accounts.selfSignUp({ email: "founder-tmp@example.com", passwordHash: "hash", locale: null });
  assert.equal(own.mustChangePassword, false);
  assert.equal((await createUser(db, { email: "plain@example.com", passwordHash: "hash" })).mustChangePassword, false);

  const { user, password } = await accounts.createWithTemporaryPassword("added@example.com");
  assert.ok(password);
  assert.equal(user.mustChangePassword, true);
  assert.equal((await findUserById(db, { userId: user.id }))?.mustChangePassword, true);
  const sid = await startSession({ userId: user.id, userAgent: null });
  assert.equal(await asSessionSees(user.id, sid), true);
});

test("a re-hash at sign-in keeps the mark; the owner's own password clears it; a reset sets it again", async () => {
  const accounts = await import("@/lib/auth/accounts");
  const { findUserByEmail, setPasswordHash } = await import("@/db/queries/users");
  const { startSession } = await import("@/lib/auth/sessions");
  const { user } = await accounts.createWithTemporaryPassword("cycle@example.com");
  const sid = await startSession({ userId: user.id, userAgent: null });

  // An old bcrypt hash upgraded while the (still temporary) password is at hand: the same password.
  await setPasswordHash(db, { userId: user.id, passwordHash: "rehashed" });
  assert.equal(await asSessionSees(user.id, sid), true);

  // What Settings → Account and the change-password page store.
  await setPasswordHash(db, { userId: user.id, passwordHash: "chosen", mustChangePassword: false });
  assert.equal(await asSessionSees(user.id, sid), false);
  assert.equal((await findUserByEmail(db, { email: "cycle@example.com" }))?.passwordHash, "chosen");

  const { ended } = await accounts.resetToTemporaryPassword(user.id);
  assert.equal(ended, 1);
  assert.equal((await findUserByEmail(db, { email: "cycle@example.com" }))?.mustChangePassword, true);
  const again = await startSession({ userId: user.id, userAgent: null });
  assert.equal(await asSessionSees(user.id, again), true);
});

test("the way to the change-password page keeps the page asked for", async () => {
  const { newPasswordPage, NEW_PASSWORD_PATH } = await import("@/lib/auth/temporary-password");
  assert.equal(NEW_PASSWORD_PATH, "/change-password");
  assert.equal(newPasswordPage(null), "/change-password");
  assert.equal(newPasswordPage("/"), "/change-password");
  assert.equal(newPasswordPage("/settings/keys?tab=x"), "/change-password?next=%2Fsettings%2Fkeys%3Ftab%3Dx");
  // Never back to itself.
  assert.equal(newPasswordPage("/change-password?next=%2Fchat"), "/change-password");
});
