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

test("the first account that can sign in is an admin; deleting it makes nobody else one", async () => {
  const { createUser, findUserById } = await import("@/db/queries/users");
  const { deleteAccount } = await import("@/db/queries/account");
  const { isAdmin } = await import("@/lib/auth/admin");
  // An API-only account (the keys CLI's, made before anyone signed up) is not the first person.
  const apiOnly = await createUser(db, { email: "cli@example.com", passwordHash: null });
  assert.equal(apiOnly.admin, false);
  const founder = await createUser(db, { email: "founder@example.com", passwordHash: "hash" });
  const member = await createUser(db, { email: "member@example.com", passwordHash: "hash" });
  assert.equal(founder.admin, true);
  assert.equal(member.admin, false);
  assert.equal(await isAdmin(founder), true);
  assert.equal(await isAdmin(member), false);
  // A key made from the command line without --email is the admin's, not the API-only account's made before.
  const { defaultKeyOwner } = await import("@/db/queries/users");
  assert.equal((await defaultKeyOwner(db))?.email, "founder@example.com");

  // The only admin who can sign in may not delete their account (app/settings/data/actions.ts asks this).
  const { anotherAdminExists } = await import("@/db/queries/users");
  assert.equal(await anotherAdminExists(db, { userId: founder.id, adminEmails: [] }), false);
  assert.equal(await anotherAdminExists(db, { userId: founder.id, adminEmails: ["member@example.com"] }), true);
  assert.equal(await anotherAdminExists(db, { userId: member.id, adminEmails: [] }), true);

  await deleteAccount(db, { userId: founder.id });
  const after = await findUserById(db, { userId: member.id });
  assert.equal(after?.admin, false);
  assert.equal(await isAdmin(after!), false, "the next oldest account is not promoted");
  const later = await createUser(db, { email: "later@example.com", passwordHash: "hash" });
  assert.equal(later.admin, false, "an account made once others exist is a member");
});

test("accounts signed up at the same instant on a new server: exactly one is the admin", async () => {
  const { createUser } = await import("@/db/queries/users");
  const { deleteAccount } = await import("@/db/queries/account");
  const T = await import("@/db/tables");
  const { engine } = await import("@/db/engine");
  const { sql } = await import("drizzle-orm");
  // On PostgreSQL, every connection of the pool open first, so that the sign-ups really run side by side.
  if (engine().name === "postgres")
    await Promise.all(Array.from({ length: 10 }, () => engine().rows(db, sql`select pg_sleep(0.05)`)));
  for (let round = 0; round < 5; round++) {
    // A new server again: no account at all.
    for (const { id } of await db.select({ id: T.users.id }).from(T.users)) await deleteAccount(db, { userId: id });
    const made = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        createUser(db, { email: `rush-${round}-${i}@example.com`, passwordHash: "hash" }),
      ),
    );
    const admins = made.filter((u) => u.admin).map((u) => u.email);
    assert.equal(admins.length, 1, `round ${round}, admins: ${admins.join(", ") || "none"}`);
  }
});

test("ADMIN_EMAILS makes an account an admin whatever its row says", async () => {
  const { isAdmin } = await import("@/lib/auth/admin");
  assert.equal(await isAdmin({ email: "Boss@Example.com", admin: false }), true);
  assert.equal(await isAdmin({ email: "someone@example.com", admin: false }), false);
});

test("an ADMIN_EMAILS address signs itself up only as the first account; the operator or an admin can make it later", async () => {
  const { deleteAccount } = await import("@/db/queries/account");
  const { createUser, findUserByEmail } = await import("@/db/queries/users");
  const accounts = await import("@/lib/auth/accounts");
  const { isAdmin } = await import("@/lib/auth/admin");
  const T = await import("@/db/tables");
  const everyoneGone = async () => {
    for (const { id } of await db.select({ id: T.users.id }).from(T.users)) await deleteAccount(db, { userId: id });
  };
  await everyoneGone();
  // A new server: whoever signs up first is the admin anyway, so the listed person may do it themselves.
  assert.equal(await accounts.adminAddressReserved("boss@example.com"), false);
  const boss = await accounts.selfSignUp({ email: "boss@example.com", passwordHash: "hash", locale: "ja" });
  assert.equal(boss.admin, true);

  await everyoneGone();
  await createUser(db, { email: "founder@example.com", passwordHash: "hash" });
  // Once someone can sign in, a stranger typing the listed address must not become an admin.
  assert.equal(await accounts.adminAddressReserved("Boss@Example.com"), true);
  assert.equal(await accounts.adminAddressReserved("member@example.com"), false);
  await assert.rejects(
    accounts.selfSignUp({ email: "boss@example.com", passwordHash: "hash", locale: null }),
    accounts.AdminAddressReserved,
  );
  assert.equal(await findUserByEmail(db, { email: "boss@example.com" }), undefined, "nothing is left behind");
  const member = await accounts.selfSignUp({ email: "member@example.com", passwordHash: "hash", locale: null });
  assert.equal(await isAdmin(member), false);
  // The operator's `npm run users -- create` and Settings → Users → Add user both make it, an admin by name.
  const { user } = await accounts.createWithTemporaryPassword("boss@example.com");
  assert.equal(await isAdmin(user), true);
});

test("Settings → Users lists each account with its own last activity (sessions, API keys) and conversations", async () => {
  const { createUser, listUsersAsAdmin } = await import("@/db/queries/users");
  const { insertSession } = await import("@/db/queries/sessions");
  const { createConversation } = await import("@/db/queries/conversations");
  const a = await createUser(db, { email: "listed-a@example.com", passwordHash: "hash" });
  const b = await createUser(db, { email: "listed-b@example.com", passwordHash: null });
  const t = Date.UTC(2026, 10, 1);
  await insertSession(db, { id: "s-a-1", userId: a.id, now: t, expiresAt: t + 1e9, userAgent: null });
  await insertSession(db, { id: "s-a-2", userId: a.id, now: t + 5000, expiresAt: t + 1e9, userAgent: null });
  // b signs in never, but uses /v1: its key's last use is its last activity.
  const T = await import("@/db/tables");
  await db.insert(T.apiKeys).values({
    id: "k-b",
    userId: b.id,
    name: "script",
    prefix: "sk-glm-bbbb",
    hash: "hash-b",
    createdAt: t,
    lastUsedAt: t + 9000,
  });
  for (const id of ["c-a-1", "c-a-2"]) {
    await createConversation(db, { id, userId: a.id, title: id, model: "GLM-4-Flash" });
  }
  const rows = await listUsersAsAdmin(db);
  const rowA = rows.find((r) => r.id === a.id);
  const rowB = rows.find((r) => r.id === b.id);
  assert.deepEqual(
    { lastSeenAt: rowA?.lastSeenAt, conversations: rowA?.conversations, hasPassword: rowA?.hasPassword },
    { lastSeenAt: t + 5000, conversations: 2, hasPassword: true },
  );
  assert.deepEqual(
    { lastSeenAt: rowB?.lastSeenAt, conversations: rowB?.conversations, hasPassword: rowB?.hasPassword },
    { lastSeenAt: t + 9000, conversations: 0, hasPassword: false },
  );
});
