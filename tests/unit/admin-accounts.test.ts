/**
 * Who is an admin, on a real database (in-memory SQLite; PostgreSQL too when TEST_DATABASE_URL is set): the
 * first account, marked when it is made. Before the mark, "the first account" was worked out on every check,
 * so deleting it made the next oldest account an admin without anyone deciding so.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { alsoOnPostgres, openTestDatabase } from "../support/engines";

// Read once by lib/config.ts, before anything imports it.
process.env.ADMIN_EMAILS = "boss@example.com";

let db: import("@/db").Db;
let close: () => Promise<void>;

after(() => close?.());
alsoOnPostgres(__filename);

before(async () => {
  ({ db, close } = await openTestDatabase());
});

test("the first account is an admin; deleting it makes nobody else one", async () => {
  const { createUser, findUserById } = await import("@/db/queries/users");
  const { deleteAccount } = await import("@/db/queries/account");
  const { isAdmin } = await import("@/lib/auth/admin");
  const founder = await createUser(db, { email: "founder@example.com", passwordHash: null });
  const member = await createUser(db, { email: "member@example.com", passwordHash: null });
  assert.equal(founder.admin, true);
  assert.equal(member.admin, false);
  assert.equal(await isAdmin(founder), true);
  assert.equal(await isAdmin(member), false);

  await deleteAccount(db, { userId: founder.id });
  const after = await findUserById(db, { userId: member.id });
  assert.equal(after?.admin, false);
  assert.equal(await isAdmin(after!), false, "the next oldest account is not promoted");
  const later = await createUser(db, { email: "later@example.com", passwordHash: null });
  assert.equal(later.admin, false, "an account made once others exist is a member");
});

test("ADMIN_EMAILS makes an account an admin whatever its row says", async () => {
  const { isAdmin } = await import("@/lib/auth/admin");
  assert.equal(await isAdmin({ email: "Boss@Example.com", admin: false }), true);
  assert.equal(await isAdmin({ email: "someone@example.com", admin: false }), false);
});
