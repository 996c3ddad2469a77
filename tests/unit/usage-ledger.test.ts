/**
 * The usage ledger (db/queries/usage.ts): a request's row from start to completion, its hourly roll-up, the
 * key's last use, and what happens to rows left in progress. On SQLite in memory and, with TEST_DATABASE_URL
 * set, on PostgreSQL too (see ../support/engines.ts), where many requests finish at once on several connections.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { sql } from "drizzle-orm";
import type { Db } from "@/db";
import type { UsageRow } from "@/db/schema";
import { alsoOnPostgres, openTestDatabase, testEngine } from "../support/engines";

let db: Db;
let close: () => Promise<void>;
let L: typeof import("@/db/queries/usage");
let rows: import("@/db/engine").Engine["rows"];
let createUser: typeof import("@/db/queries/users").createUser;
let createApiKey: typeof import("@/lib/auth/api-keys").createApiKey;
before(async () => {
  ({ db, close } = await openTestDatabase());
  L = await import("@/db/queries/usage");
  ({ rows } = (await import("@/db/engine")).engine());
  ({ createUser } = await import("@/db/queries/users"));
  ({ createApiKey } = await import("@/lib/auth/api-keys"));
});
after(() => close?.());

const HOUR = 3_600_000;
let users = 0;
const newUser = async () => (await createUser(db, { email: `ledger-${++users}@example.com`, passwordHash: null })).id;
const request = (userId: string | null, createdAt: number, o: Partial<UsageRow> = {}) => ({
  createdAt,
  userId,
  apiKeyId: null,
  source: "chat" as const,
  model: "GLM-4-Flash",
  stream: true,
  errorCode: null,
  promptTokens: 0,
  completionTokens: 0,
  ttftMs: null,
  durationMs: 0,
  ...o,
});
const done = { status: 200, errorCode: null, promptTokens: 10, completionTokens: 20, ttftMs: 100, durationMs: 900 };
/** The hourly roll-up row of one request ended `done`, from the chat (no key). */
const doneBucket = (hour: number) => ({
  hour,
  apiKeyId: "",
  requests: 1,
  errors: 0,
  promptTokens: 10,
  completionTokens: 20,
  ttftSum: 100,
  ttftCount: 1,
});

type Ledger = {
  status: number;
  errorCode: string | null;
  promptTokens: number;
  completionTokens: number;
  ttftMs: number | null;
  durationMs: number;
};
const ledgerRow = async (id: number) =>
  (
    await rows<Ledger>(
      db,
      sql`select status, error_code as "errorCode",
  prompt_tokens as "promptTokens", completion_tokens as "completionTokens", ttft_ms as "ttftMs", duration_ms as "durationMs"
  from usage where id = ${id}`,
    )
  )[0];
type Bucket = {
  requests: number;
  errors: number;
  promptTokens: number;
  completionTokens: number;
  ttftSum: number;
  ttftCount: number;
};
const buckets = async (userId: string) =>
  Array.from(
    await rows<Bucket & { hour: number; apiKeyId: string }>(
      db,
      sql`select hour, api_key_id as "apiKeyId",
  requests, errors, prompt_tokens as "promptTokens", completion_tokens as "completionTokens", ttft_sum as "ttftSum",
  ttft_count as "ttftCount" from usage_hourly where user_id = ${userId} order by hour, api_key_id`,
    ),
  );

/** Errors the ledger logs instead of throwing, kept out of the test output. */
async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const original = console.error;
  console.error = () => {};
  try {
    return await fn();
  } finally {
    console.error = original;
  }
}

describe(`usage ledger on ${testEngine}`, () => {
  test("a request: in progress, tokens so far, completed once, rolled up once", async () => {
    const u = await newUser();
    const t = Date.UTC(2026, 2, 1, 10, 30);
    const id = await L.startUsage(db, request(u, t));
    assert.equal(typeof id, "number");
    assert.equal((await ledgerRow(id!)).status, L.USAGE_IN_PROGRESS);
    assert.deepEqual(await buckets(u), [], "nothing in the roll-up until it ends");

    await L.usageProgress(db, { id, promptTokens: 7, completionTokens: 3, durationMs: 1000 });
    assert.deepEqual(await ledgerRow(id!), {
      status: 0,
      errorCode: null,
      promptTokens: 7,
      completionTokens: 3,
      ttftMs: null,
      durationMs: 1000,
    });

    await L.completeUsage(db, { id, ...done });
    await L.completeUsage(db, { id, ...done, status: 499, errorCode: "client_closed", completionTokens: 99 });
    await L.usageProgress(db, { id, promptTokens: 1, completionTokens: 1, durationMs: 5000 });
    assert.deepEqual(
      await ledgerRow(id!),
      { status: 200, errorCode: null, promptTokens: 10, completionTokens: 20, ttftMs: 100, durationMs: 900 },
      "a second completion and a late progress write change nothing",
    );
    assert.deepEqual(await buckets(u), [doneBucket(t - (t % HOUR))]);
  });

  test("recordUsage: ledger row, roll-up with the failure rule, and the key's last use", async () => {
    const u = await newUser();
    const key = (await createApiKey({ userId: u, name: "k" })).row;
    const t = Date.UTC(2026, 2, 2, 8);
    await L.recordUsage(db, {
      ...request(u, t, { source: "api", apiKeyId: key.id }),
      status: 502,
      errorCode: "upstream_error",
    });
    await L.recordUsage(db, {
      ...request(u, t + 1, { source: "api", apiKeyId: key.id }),
      status: 429,
      errorCode: "rate_limited",
    });
    assert.deepEqual(
      (await buckets(u)).map((b) => [b.apiKeyId, b.requests, b.errors]),
      [[key.id, 2, 1]],
    );
    const [{ lastUsedAt }] = await rows<{ lastUsedAt: number }>(
      db,
      sql`select last_used_at as "lastUsedAt" from api_keys where id = ${key.id}`,
    );
    assert.equal(lastUsedAt, t + 1);
  });

  test("requests started together: a row each, and the key's last use is the latest of them", async () => {
    const u = await newUser();
    const key = (await createApiKey({ userId: u, name: "k" })).row;
    const t = Date.UTC(2026, 2, 2, 9);
    const ids = await Promise.all(
      [t + 5, t + 9, t + 7].map((at) => L.startUsage(db, request(u, at, { source: "api", apiKeyId: key.id }))),
    );
    assert.equal(new Set(ids).size, 3);
    const [{ lastUsedAt }] = await rows<{ lastUsedAt: number }>(
      db,
      sql`select last_used_at as "lastUsedAt" from api_keys where id = ${key.id}`,
    );
    assert.equal(lastUsedAt, t + 9);
    // Nothing left in progress for the cases below.
    for (const id of ids) await L.completeUsage(db, { id: id as number, ...done });
  });

  test("a request without an account is in the ledger but in nobody's roll-up", async () => {
    const t = Date.UTC(2026, 2, 3, 8);
    await L.recordUsage(db, { ...request(null, t), status: 401, errorCode: "invalid_api_key" });
    const [{ n }] = await rows<{ n: number }>(
      db,
      sql`select count(*) as n from usage where user_id is null and created_at = ${t}`,
    );
    assert.equal(n, 1);
  });

  /** One user's ledger rows, the queued writes settled first. */
  const ledgerOf = async (u: string) => {
    L.settleLedger(db);
    return [
      ...(await rows<Ledger>(
        db,
        sql`select status, error_code as "errorCode", prompt_tokens as "promptTokens",
  completion_tokens as "completionTokens", ttft_ms as "ttftMs", duration_ms as "durationMs" from usage where user_id = ${u}`,
      )),
    ];
  };
  /** Those rows once `ok` holds: PostgreSQL's writes follow the start's round trip, and nothing in the app waits for them. */
  const ledgerWhen = async (u: string, ok: (r: Ledger[]) => boolean) => {
    for (let i = 0; i < 100 && !ok(await ledgerOf(u)); i++) await new Promise((r) => setTimeout(r, 20));
    return ledgerOf(u);
  };

  test("the core's entry (openUsage): start, progress and end queued without waiting, each after the one before", async () => {
    const u = await newUser();
    const t = Date.UTC(2026, 2, 4, 9);
    const entry = L.openUsage(db, request(u, t));
    // Called in the same turn as the start, before its row (or id) exists: each still lands on that row.
    entry.progress({ promptTokens: 7, completionTokens: 3, durationMs: 1000 });
    entry.complete(done);
    entry.complete({ ...done, status: 499, errorCode: "client_closed", completionTokens: 99 });
    assert.deepEqual(
      await ledgerWhen(u, (r) => r[0]?.status === 200),
      [{ status: 200, errorCode: null, promptTokens: 10, completionTokens: 20, ttftMs: 100, durationMs: 900 }],
      "the first completion counts, the second changes nothing",
    );
    const [bucket] = await buckets(u);
    assert.equal(bucket.requests, 1, "rolled up once");

    // A start that cannot be written (no such user): what follows it does nothing, and nothing throws.
    const orphan = await quietly(async () => {
      const e = L.openUsage(db, request("no-such-user", t));
      e.progress({ promptTokens: 1, completionTokens: 1, durationMs: 1 });
      e.complete(done);
      L.settleLedger(db);
      await new Promise((r) => setTimeout(r, 100));
      return rows<{ n: number }>(db, sql`select count(*) as n from usage where created_at = ${t} and user_id is null`);
    });
    assert.equal(Number(orphan[0].n), 0);
  });

  test("the core's entry after its start is written: in progress, then its progress, then its one completion", async () => {
    const u = await newUser();
    const t = Date.UTC(2026, 2, 4, 10);
    const entry = L.openUsage(db, request(u, t));
    const started = await ledgerWhen(u, (r) => r.length === 1);
    assert.equal(started[0]?.status, L.USAGE_IN_PROGRESS, "the row exists while the request runs");
    entry.progress({ promptTokens: 7, completionTokens: 3, durationMs: 1000 });
    const progressed = await ledgerWhen(u, (r) => r[0]?.completionTokens === 3);
    assert.deepEqual([progressed[0].status, progressed[0].promptTokens, progressed[0].durationMs], [0, 7, 1000]);
    entry.complete(done);
    entry.complete({ ...done, status: 499, errorCode: "client_closed", completionTokens: 99 });
    assert.deepEqual(await ledgerWhen(u, (r) => r[0]?.status === 200), [
      { status: 200, errorCode: null, promptTokens: 10, completionTokens: 20, ttftMs: 100, durationMs: 900 },
    ]);
    // The roll-up takes its bucket from the start (hour, key) and its counts from the end, once.
    assert.deepEqual(await buckets(u), [doneBucket(t)]);
  });

  test("a write that fails is logged, never thrown: the reply goes on", async () => {
    const t = Date.UTC(2026, 2, 4, 8);
    assert.equal(await quietly(() => L.startUsage(db, request("no-such-user", t))), undefined);
    await quietly(() => L.recordUsage(db, { ...request("no-such-user", t), status: 200 }));
    await L.completeUsage(db, { id: undefined, ...done });
    await L.usageProgress(db, { id: undefined, promptTokens: 1, completionTokens: 1, durationMs: 1 });
  });

  test("a model name with a NUL character is recorded (PostgreSQL text cannot hold U+0000)", async () => {
    const u = await newUser();
    const t = Date.UTC(2026, 2, 5, 8);
    await L.recordUsage(db, { ...request(u, t, { model: "gpt\u00004" }), status: 404, errorCode: "model_not_found" });
    const [{ model }] = await rows<{ model: string }>(db, sql`select model from usage where user_id = ${u}`);
    assert.equal(model, testEngine === "postgres" ? "gpt\uFFFD4" : "gpt\u00004");
  });

  test("many requests finishing at once into one bucket: every one counted", async () => {
    const u = await newUser();
    const t = Date.UTC(2026, 2, 6, 8);
    const ids = await Promise.all(Array.from({ length: 100 }, (_, i) => L.startUsage(db, request(u, t + i))));
    await Promise.all([
      ...ids.map((id) => L.completeUsage(db, { id, ...done })),
      ...Array.from({ length: 100 }, (_, i) => L.recordUsage(db, { ...request(u, t + i), ...done, status: 500 })),
    ]);
    assert.deepEqual(
      (await buckets(u)).map((b) => [b.requests, b.errors, b.promptTokens, b.completionTokens, b.ttftCount]),
      [[200, 100, 2000, 4000, 200]],
    );
  });

  test("closeUnfinishedUsage with lastProgressBefore closes only rows silent since then", async () => {
    const u = await newUser();
    const t = Date.UTC(2026, 2, 8, 8);
    const silent = await L.startUsage(db, request(u, t));
    const alive = await L.startUsage(db, request(u, t));
    await L.usageProgress(db, { id: alive, promptTokens: 1, completionTokens: 1, durationMs: 10 * 60_000 });
    assert.equal(await L.closeUnfinishedUsage(db, { lastProgressBefore: t + 5 * 60_000 }), 1);
    assert.equal((await ledgerRow(silent!)).errorCode, "interrupted");
    assert.equal(
      (await ledgerRow(alive!)).status,
      L.USAGE_IN_PROGRESS,
      "a request that showed life later is left alone",
    );
    await L.completeUsage(db, { id: alive, ...done });
  });

  // Last: it closes every row still in progress in this database.
  test("closeUnfinishedUsage: rows left in progress become interrupted, tokens kept, and join the roll-up", async () => {
    const u = await newUser();
    const t = Date.UTC(2026, 2, 7, 8);
    const a = await L.startUsage(db, request(u, t));
    const b = await L.startUsage(db, request(u, t + HOUR));
    await L.usageProgress(db, { id: a, promptTokens: 5, completionTokens: 6, durationMs: 2000 });
    await L.completeUsage(db, { id: b, ...done });
    assert.equal(await L.closeUnfinishedUsage(db), 1);
    assert.equal(await L.closeUnfinishedUsage(db), 0);
    assert.deepEqual(await ledgerRow(a!), {
      status: 500,
      errorCode: "interrupted",
      promptTokens: 5,
      completionTokens: 6,
      ttftMs: null,
      durationMs: 2000,
    });
    assert.deepEqual(
      (await buckets(u)).map((x) => [x.hour, x.requests, x.errors, x.promptTokens, x.completionTokens]),
      [
        [t, 1, 1, 5, 6],
        [t + HOUR, 1, 0, 10, 20],
      ],
    );
  });
});

alsoOnPostgres(__filename);
