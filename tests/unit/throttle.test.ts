/**
 * Sign-in and sign-up throttling (lib/auth/throttle.ts) on a real database (in-memory SQLite; PostgreSQL too
 * when TEST_DATABASE_URL is set). Ten wrong passwords used to lock the account itself, whoever tried them, so
 * anyone who knew an email could keep its owner out; and loopback was never counted per address, so behind a
 * same-host proxy nothing limited sign-ups.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { alsoOnPostgres, openTestDatabase } from "../support/engines";

// Read once by lib/config.ts, before anything imports it.
process.env.THROTTLE_EXEMPT_ADDRESSES = "10.9.9.9";

let db: import("@/db").Db;
let close: () => Promise<void>;
let T: typeof import("@/lib/auth/throttle");

after(() => close?.());
alsoOnPostgres(__filename);

before(async () => {
  ({ db, close } = await openTestDatabase());
  T = await import("@/lib/auth/throttle");
});

const t0 = 1_800_000_000_000;
const failures = async (email: string, address: string, n: number, now = t0) => {
  for (let i = 0; i < n; i++) await T.recordSignInFailure({ email, address, now: now + i }, db);
};
const blocked = (email: string, address: string, now = t0 + 1000) => T.signInBlockedUntil({ email, address, now }, db);

test("ten wrong passwords from one address refuse that address only: the owner elsewhere still signs in", async () => {
  await failures("victim@example.com", "203.0.113.1", 10);
  assert.equal(await blocked("victim@example.com", "203.0.113.1"), t0 + 15 * 60_000);
  assert.equal(await blocked("Victim@Example.com", "198.51.100.7"), null, "another address is not affected");
  assert.equal(await blocked("other@example.com", "203.0.113.1"), null, "nor another account from that address");
  // A right password from the owner's address forgives that address's failures only.
  await failures("victim@example.com", "198.51.100.7", 9);
  await T.recordSignInSuccess({ email: "victim@example.com", address: "198.51.100.7" }, db);
  await failures("victim@example.com", "198.51.100.7", 9, t0 + 100);
  assert.equal(await blocked("victim@example.com", "198.51.100.7"), null);
  assert.notEqual(await blocked("victim@example.com", "203.0.113.1"), null);
});

test("past the account-wide ceiling each address gets three tries; one that has not failed still gets its own", async () => {
  const email = "popular@example.com";
  for (let a = 0; a < 10; a++) await failures(email, `192.0.2.${a}`, 10);
  assert.equal(await blocked(email, "192.0.2.200"), null, "the owner's address, which has not failed");
  await failures(email, "192.0.2.201", 3);
  assert.equal(await blocked(email, "192.0.2.201"), t0 + 15 * 60_000, "three failures are enough now");
  assert.equal(await blocked("calm@example.com", "192.0.2.201"), null, "below the ceiling, ten are allowed");
});

test("loopback is counted per address like any other; only THROTTLE_EXEMPT_ADDRESSES is left out", async () => {
  assert.equal(T.addressCounts("127.0.0.1"), true);
  assert.equal(T.addressCounts("::1"), true);
  assert.equal(T.addressCounts("10.9.9.9"), false);
  assert.equal(T.addressCounts("unknown"), false);
  for (let i = 0; i < 10; i++) {
    assert.equal(await T.registrationBlockedUntil({ address: "127.0.0.1", now: t0 + i }, db), null);
    await T.recordRegistration({ address: "127.0.0.1", now: t0 + i }, db);
    await T.recordRegistration({ address: "10.9.9.9", now: t0 + i }, db);
  }
  assert.equal(await T.registrationBlockedUntil({ address: "127.0.0.1", now: t0 + 20 }, db), t0 + 60 * 60_000);
  assert.equal(await T.registrationBlockedUntil({ address: "10.9.9.9", now: t0 + 20 }, db), null);
});

test("guesses sent all at once: only the first ten get their password checked", async () => {
  const email = "burst@example.com";
  const address = "203.0.113.50";
  // As the sign-in route does: the gate, then (for the ones let through) the slow hash, here a pause. Each
  // request starts in its own turn of the event loop, as requests do, and all are in flight together.
  const guess = async (i: number) => {
    for (let turn = 0; turn <= i; turn++) await new Promise((r) => setImmediate(r));
    const attempt = await T.beginPasswordCheck({ email, address, now: t0 + i }, db);
    if (attempt.blockedUntil !== null) return "refused";
    await new Promise((r) => setTimeout(r, 20));
    return "checked";
  };
  const outcomes = await Promise.all(Array.from({ length: 40 }, (_, i) => guess(i)));
  // Never more than ten (the old order checked all 40). On PostgreSQL, where the 40 interleave for real, each
  // may see the others' rows and be refused: fewer get checked, which errs the safe way.
  const checked = outcomes.filter((o) => o === "checked").length;
  assert.ok(checked <= 10, `${checked} checked`);
  // Exactly the checked ones count: one at a time now, the rest of the ten get through, then no more.
  let after = 0;
  for (let i = 0; i < 12; i++) {
    const attempt = await T.beginPasswordCheck({ email, address, now: t0 + 100 + i }, db);
    if (attempt.blockedUntil === null) after++;
  }
  assert.equal(checked + after, 10);
});

test("a right password is taken back from the counts: an address signing in often is never limited", async () => {
  const address = "203.0.113.70";
  for (let i = 0; i < 60; i++) {
    const attempt = await T.beginPasswordCheck({ email: `member${i % 3}@example.com`, address, now: t0 + i }, db);
    assert.equal(attempt.blockedUntil, null, `sign-in ${i}`);
    if (attempt.blockedUntil === null) await attempt.succeeded();
  }
});
