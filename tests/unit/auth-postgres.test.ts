import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import postgres from "postgres";

/**
 * Sign-in throttling and session revocation on PostgreSQL: the same code as on SQLite (DB-backed), so
 * instances sharing the database share the counts and the revocations. Needs TEST_DATABASE_URL (npm test
 * sets it; or the URL `node scripts/postgres.mjs` prints); skipped without it. The query layer picks its
 * tables by DATABASE_URL at import, so the modules are imported after pointing it at a fresh database.
 */
const serverUrl = process.env.TEST_DATABASE_URL;
const skip = serverUrl ? false : "TEST_DATABASE_URL is not set (npm test sets it; or run node scripts/postgres.mjs)";
const name = `glm_auth_${process.pid}_${Date.now() % 1e6}`;
const url = serverUrl ? Object.assign(new URL(serverUrl), { pathname: `/${name}` }).toString() : "";

describe("sign-in throttle and sessions on PostgreSQL", { skip }, () => {
  let admin: postgres.Sql;
  let app: {
    db: import("@/db").Db;
    throttle: typeof import("@/lib/auth/throttle");
    sessions: typeof import("@/lib/auth/sessions");
    users: typeof import("@/db/queries/users");
  };

  before(async () => {
    admin = postgres(serverUrl!, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${name}" template template0 encoding 'UTF8'`);
    process.env.DATABASE_URL = url;
    process.env.AUTH_SECRET ??= "test-secret";
    const { migratePostgres } = await import("@/db/engines/postgres");
    await migratePostgres(url);
    const { getDb } = await import("@/db");
    app = {
      db: getDb(),
      throttle: await import("@/lib/auth/throttle"),
      sessions: await import("@/lib/auth/sessions"),
      users: await import("@/db/queries/users"),
    };
  });
  after(async () => {
    await (app?.db as unknown as { $client?: postgres.Sql })?.$client?.end();
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  });

  test("ten failures block the address for that account for 15 minutes; a right password clears them", async () => {
    const { signInBlockedUntil, recordSignInFailure, recordSignInSuccess } = app.throttle;
    const now = 1_700_000_000_000;
    for (let i = 0; i < 10; i++) {
      assert.equal(await signInBlockedUntil({ email: "Ann@Example.com", address: "10.0.0.1", now: now + i }), null);
      await recordSignInFailure({ email: "ann@example.com ", address: "10.0.0.1", now: now + i });
    }
    assert.equal(
      await signInBlockedUntil({ email: "ann@example.com", address: "10.0.0.1", now: now + 20 }),
      now + 15 * 60_000,
    );
    assert.equal(await signInBlockedUntil({ email: "ann@example.com", address: "10.0.0.2", now: now + 20 }), null);
    await recordSignInSuccess({ email: "ann@example.com", address: "10.0.0.1" });
    assert.equal(await signInBlockedUntil({ email: "ann@example.com", address: "10.0.0.1", now: now + 20 }), null);
  });

  test("an email with a NUL is counted like any other, not a server error", async () => {
    const { signInBlockedUntil, recordSignInFailure } = app.throttle;
    await recordSignInFailure({ email: "a\0b@example.com", address: "10.0.0.3" });
    assert.equal(await signInBlockedUntil({ email: "a\0b@example.com", address: "10.0.0.3" }), null);
    assert.equal(await app.users.findUserByEmail(app.db, { email: "a\0b@example.com" }), undefined);
  });

  test("sessions: live until revoked; sign out everywhere but this browser", async () => {
    const { startSession, sessionUser, endUserSessions, liveSessionCount, endSession } = app.sessions;
    const user = await app.users.createUser(app.db, { email: "bob@example.com", passwordHash: null });
    const a = await startSession({ userId: user.id, userAgent: "A" });
    const b = await startSession({ userId: user.id, userAgent: "B" });
    const c = await startSession({ userId: user.id, userAgent: "C" });
    assert.equal((await sessionUser({ sessionId: a, userId: user.id }))?.email, "bob@example.com");
    assert.equal(await sessionUser({ sessionId: a, userId: "someone-else" }), undefined);
    assert.equal(await liveSessionCount({ userId: user.id }), 3);
    assert.equal(await endUserSessions({ userId: user.id, keep: b }), 2);
    assert.equal(await sessionUser({ sessionId: a, userId: user.id }), undefined);
    assert.ok(await sessionUser({ sessionId: b, userId: user.id }));
    assert.equal(await sessionUser({ sessionId: c, userId: user.id }), undefined);
    await endSession({ sessionId: b, userId: user.id });
    assert.equal(await liveSessionCount({ userId: user.id }), 0);
    // An expired session does not count, and is pruned at the next sign-in.
    const later = Date.now() + 31 * 24 * 3600_000;
    const d = await startSession({ userId: user.id, userAgent: "D" });
    assert.equal(await sessionUser({ sessionId: d, userId: user.id, now: later }), undefined);
    await startSession({ userId: user.id, userAgent: "E", now: later });
    assert.equal(await liveSessionCount({ userId: user.id, now: later }), 1);
  });
});
