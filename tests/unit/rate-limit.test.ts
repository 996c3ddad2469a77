import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import postgres from "postgres";
import { migratePostgres, openPostgres, type PgDb } from "@/db/engines/postgres";
import { pruneRateLimits, takeRateLimit } from "@/db/queries/rate-limits";
import type { Db } from "@/db";
import { enforceRateLimits, WINDOW_MS } from "@/lib/gateway/rate-limit";
import { AppError } from "@/lib/errors";

/**
 * Rate limits on PostgreSQL, shared by instances: counted in `rate_limits` on a real server. Needs
 * TEST_DATABASE_URL (npm test sets it; or the URL `node scripts/postgres.mjs` prints): works in a database
 * of its own there, dropped at the end. Skipped without it.
 */
const serverUrl = process.env.TEST_DATABASE_URL;
const skip = serverUrl ? false : "TEST_DATABASE_URL is not set (npm test sets it; or run node scripts/postgres.mjs)";

const name = `glm_ratelimit_${process.pid}_${Date.now() % 1e6}`;
const url = serverUrl ? Object.assign(new URL(serverUrl), { pathname: `/${name}` }).toString() : "";
let admin: postgres.Sql | undefined;
let one: PgDb | undefined;
let two: PgDb | undefined;

if (serverUrl) {
  // enforceRateLimits() picks the shared counter by DATABASE_URL, and reads its limits from the environment.
  Object.assign(process.env, {
    DATABASE_URL: url,
    RATE_LIMIT_KEY_RPM: "3",
    RATE_LIMIT_USER_RPM: "4",
    RATE_LIMIT_CHAT_RPM: "0",
  });
}

describe("rate limits on PostgreSQL", { skip }, () => {
  before(async () => {
    admin = postgres(serverUrl!, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${name}" template template0 encoding 'UTF8'`);
    await migratePostgres(url);
    // Two pools: two app instances.
    one = openPostgres(url, { max: 8 });
    two = openPostgres(url, { max: 8 });
  });
  after(async () => {
    await one?.$client.end();
    await two?.$client.end();
    await admin?.unsafe(`drop database if exists "${name}" with (force)`);
    await admin?.end();
  });

  test("concurrent takes from two instances count 1..n exactly once each, so a limit is never exceeded", async () => {
    const windowStart = 1_000 * WINDOW_MS;
    const takes = Array.from({ length: 120 }, (_, i) =>
      takeRateLimit(i % 2 ? one : two, { bucket: "key:concurrent", windowStart }),
    );
    const counts = (await Promise.all(takes)).map((r) => r.count).sort((a, b) => a - b);
    assert.deepEqual(
      counts,
      Array.from({ length: 120 }, (_, i) => i + 1),
    );
    const limit = 25;
    assert.equal(counts.filter((c) => c <= limit).length, limit);
  });

  test("a new window starts again at 1; a lagging clock's older window counts in the newer one", async () => {
    const w = 2_000 * WINDOW_MS;
    assert.deepEqual(await takeRateLimit(one, { bucket: "key:windows", windowStart: w }), { count: 1, windowStart: w });
    assert.deepEqual(await takeRateLimit(two, { bucket: "key:windows", windowStart: w }), { count: 2, windowStart: w });
    assert.deepEqual(await takeRateLimit(one, { bucket: "key:windows", windowStart: w + WINDOW_MS }), {
      count: 1,
      windowStart: w + WINDOW_MS,
    });
    assert.deepEqual(await takeRateLimit(two, { bucket: "key:windows", windowStart: w }), {
      count: 2,
      windowStart: w + WINDOW_MS,
    });
  });

  test("pruning drops only windows that started before the cut", async () => {
    const w = 3_000 * WINDOW_MS;
    await takeRateLimit(one, { bucket: "user:old", windowStart: w - 5 * WINDOW_MS });
    await takeRateLimit(one, { bucket: "user:current", windowStart: w });
    assert.ok((await pruneRateLimits(one, { before: w - WINDOW_MS })) >= 1);
    const left = (await one!.$client`select bucket from rate_limits where bucket like 'user:%'`).map((r) => r.bucket);
    assert.deepEqual(left, ["user:current"]);
  });

  test("enforceRateLimits: two instances share one key budget; 429 with retry-after past it", async () => {
    const now = 5_000 * WINDOW_MS + 45_000; // 15 s before the window ends
    const caller = { userId: "u-enforce", apiKeyId: "k-enforce", source: "api" as const };
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => enforceRateLimits(caller, now, (i % 2 ? one : two) as unknown as Db)),
    );
    const refused = results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason);
    assert.equal(results.length - refused.length, 3); // RATE_LIMIT_KEY_RPM=3
    // Each admitted request learns what is left of the tighter budget: the key's third has none left; the others
    // at most the key's 2 or 1 (the account's count, taken after, may have run ahead of it concurrently).
    const left = results.flatMap((r) => (r.status === "fulfilled" && r.value ? [r.value.remaining] : []));
    assert.equal(left.length, 3);
    assert.equal(Math.min(...left), 0);
    assert.ok(
      left.every((n) => n >= 0 && n <= 2),
      `remaining ${left}`,
    );
    for (const e of refused) {
      assert.ok(e instanceof AppError);
      assert.equal(e.status, 429);
      assert.equal(e.headers?.["retry-after"], "15");
      assert.equal(e.headers?.["x-ratelimit-remaining-requests"], "0");
      assert.equal(e.headers?.["x-ratelimit-reset-requests"], "15s");
      assert.match(e.message, /this API key: 3 requests per minute/);
    }
    // Refused by its key, a request does not count against the user: 3 of the user's 4 are used.
    const other = { ...caller, apiKeyId: "k-other" };
    await enforceRateLimits(other, now, one as unknown as Db);
    await assert.rejects(
      async () => enforceRateLimits(other, now, two as unknown as Db),
      /your account: 4 requests per minute/,
    );
    // The next window is open again.
    await enforceRateLimits(caller, now + WINDOW_MS, one as unknown as Db);
  });
});
