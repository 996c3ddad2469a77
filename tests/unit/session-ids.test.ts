/**
 * Session ids at rest (in-memory SQLite; PostgreSQL too when TEST_DATABASE_URL is set): the sessions table keeps
 * a session id's SHA-256, never the id a cookie carries, and the upgrade hashes the ids already stored, so that
 * nobody is signed out by it.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { alsoOnPostgres, openTestDatabase, testEngine } from "../support/engines";

let db: import("@/db").Db;
let close: () => Promise<void>;
let userId: string;
after(() => close?.());
alsoOnPostgres(__filename);

before(async () => {
  ({ db, close } = await openTestDatabase());
  const { createUser } = await import("@/db/queries/users");
  userId = (await createUser(db, { email: "rest@example.com", passwordHash: null })).id;
});

const storedIds = async () => {
  const T = await import("@/db/tables");
  const { eq } = await import("drizzle-orm");
  return (await db.select({ id: T.sessions.id }).from(T.sessions).where(eq(T.sessions.userId, userId))).map(
    (r) => r.id,
  );
};
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

test("a session's row holds the hash of its id, and the id still signs in, ends, and is kept apart", async () => {
  const sessions = await import("@/lib/auth/sessions");
  const a = await sessions.startSession({ userId, userAgent: null });
  const b = await sessions.startSession({ userId, userAgent: null });
  const ids = await storedIds();
  assert.ok(!ids.includes(a) && !ids.includes(b), "no cookie's id is stored as it is");
  assert.deepEqual(new Set(ids), new Set([sha256(a), sha256(b)]));
  assert.equal((await sessions.sessionUser({ sessionId: a, userId }))?.id, userId);
  // The stored value itself is not a session id.
  assert.equal(await sessions.sessionUser({ sessionId: sha256(a), userId }), undefined);
  assert.equal(await sessions.endUserSessions({ userId, keep: a }), 1);
  assert.equal((await sessions.sessionUser({ sessionId: a, userId }))?.id, userId, "the one kept");
  assert.equal(await sessions.sessionUser({ sessionId: b, userId }), undefined);
  await sessions.endSession({ sessionId: a, userId });
  assert.deepEqual(await storedIds(), []);
});

test("the upgrade hashes the ids stored before it, once: those sessions stay signed in", async () => {
  const sessions = await import("@/lib/auth/sessions");
  const { insertSession } = await import("@/db/queries/sessions");
  const { sql } = await import("drizzle-orm");
  const before = "AbCdEfGhIjKlMnOpQrStUvWx"; // as startSession made them: 18 random bytes, base64url
  const now = Date.now();
  await insertSession(db, { id: before, userId, now, expiresAt: now + 3_600_000, userAgent: null });
  assert.equal(await sessions.sessionUser({ sessionId: before, userId }), undefined, "not found before the upgrade");
  // Twice: a second run must leave hashed ids as they are.
  for (let run = 0; run < 2; run++) {
    if (testEngine === "postgres") {
      const statement = readFileSync(path.join(process.cwd(), "db/pg/migrations/0009_session_id_hash.sql"), "utf8");
      await (db as unknown as { execute: (q: unknown) => Promise<unknown> }).execute(sql.raw(statement));
    } else {
      // SQLite's step at start-up, after its migrations (db/engines/sqlite.ts).
      const { hashStoredSessionIds } = await import("@/db/engines/sqlite");
      hashStoredSessionIds((db as unknown as { $client: import("better-sqlite3").Database }).$client);
    }
  }
  assert.equal((await sessions.sessionUser({ sessionId: before, userId }))?.id, userId);
  assert.deepEqual(await storedIds(), [sha256(before)]);
});
