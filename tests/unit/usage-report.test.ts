/**
 * Usage reports (db/queries/usage-report.ts) over ledger rows written by recordUsage, on SQLite in memory and,
 * with TEST_DATABASE_URL set, on PostgreSQL too (see ../support/engines.ts).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Db } from "@/db";
import type { UsageRow } from "@/db/schema";
import { DEFAULT_MODELS } from "@/lib/models";
import { alsoOnPostgres, openTestDatabase } from "../support/engines";

// Project modules load in before(), once the engine's DATABASE_URL is set (imports would be hoisted above it).
let db: Db;
let close: () => Promise<void>;
let R: typeof import("@/db/queries/usage-report");
let L: typeof import("@/db/queries/usage");
let createUser: typeof import("@/db/queries/users").createUser;
let createApiKey: typeof import("@/lib/auth/api-keys").createApiKey;
before(async () => {
  ({ db, close } = await openTestDatabase());
  R = await import("@/db/queries/usage-report");
  L = await import("@/db/queries/usage");
  ({ createUser } = await import("@/db/queries/users"));
  ({ createApiKey } = await import("@/lib/auth/api-keys"));
});
after(() => close?.());

const knownModels = DEFAULT_MODELS.map((m) => m.id);
type Range = ReturnType<typeof import("@/db/queries/usage-report").lastDays>;
/** A user's report, or everyone's for null (the admin versions). */
const daily = (u: string | null, range: Range) =>
  u ? R.dailyUsage(db, { userId: u, range, knownModels }) : R.dailyUsageAsAdmin(db, { range, knownModels });
const byModel = (u: string | null, range: Range) =>
  u ? R.usageByModel(db, { userId: u, range, knownModels }) : R.usageByModelAsAdmin(db, { range, knownModels });
const byKey = (u: string | null, range: Range) =>
  u ? R.usageByKey(db, { userId: u, range }) : R.usageByKeyAsAdmin(db, { range });
const recent = (u: string | null, page: number, size: number) =>
  u ? R.recentRequests(db, { userId: u, page, size }) : R.recentRequestsAsAdmin(db, { page, size });

const DAY = 86_400_000;
const MIN = 60_000;
/** Epoch ms of a wall-clock time in a zone `offset` minutes east of UTC. */
const local = (offset: number, y: number, mo: number, d: number, h = 0, mi = 0) =>
  Date.UTC(y, mo - 1, d, h, mi) - offset * MIN;

let users = 0;
const newUser = async () => (await createUser(db, { email: `user-${++users}@example.com`, passwordHash: null })).id;

/** dailyUsage orders by day only: check that, then compare with models in a fixed order within each day. */
function byDay<T extends { day: string; model: string }>(rows: T[]): T[] {
  rows.forEach((r, i) => assert.ok(i === 0 || rows[i - 1].day <= r.day, "days ascending"));
  return [...rows].sort((a, b) => a.day.localeCompare(b.day) || a.model.localeCompare(b.model));
}

function rec(userId: string, createdAt: number, o: Partial<UsageRow> = {}): Promise<void> {
  return L.recordUsage(db, {
    createdAt,
    userId,
    apiKeyId: null,
    source: "chat",
    model: "GLM-4-Flash",
    stream: true,
    status: 200,
    errorCode: null,
    promptTokens: 10,
    completionTokens: 5,
    ttftMs: null,
    durationMs: 900,
    ...o,
  });
}

describe("lastDays", () => {
  const cases: [string, number, number, string, string][] = [
    // name, offset, now, first label, last label (the viewer's local today)
    ["Beijing, already tomorrow there", 480, Date.UTC(2026, 2, 10, 20), "2026-03-05", "2026-03-11"],
    ["UTC", 0, Date.UTC(2026, 2, 10, 20), "2026-03-04", "2026-03-10"],
    ["New York, still yesterday there", -300, Date.UTC(2026, 2, 10, 2), "2026-03-03", "2026-03-09"],
    ["across February's end", 480, Date.UTC(2026, 2, 1, 16), "2026-02-24", "2026-03-02"],
  ];
  for (const [name, offset, now, first, last] of cases) {
    test(`7 days ending on local today: ${name}`, async () => {
      const r = R.lastDays(7, offset, now);
      assert.equal(r.days.length, 7);
      assert.equal(r.days[0], first);
      assert.equal(r.days[6], last);
      assert.equal(new Set(r.days).size, 7);
      assert.equal(r.offsetMinutes, offset);
      const [y, m, d] = first.split("-").map(Number);
      assert.equal(r.from, local(offset, y, m, d), "from is local midnight of the first day");
      assert.equal(r.to - r.from, 7 * DAY, "to is local midnight after today");
      assert.ok(r.from <= now && now < r.to);
    });
  }
});

describe("day boundaries in the viewer's time zone", () => {
  for (const offset of [480, 0, -300]) {
    test(`23:30 and 00:30 fall on their own local days (offset ${offset})`, async () => {
      const u = await newUser();
      await rec(u, local(offset, 2026, 4, 8, 23, 30), { promptTokens: 1, completionTokens: 0 }); // before the range
      await rec(u, local(offset, 2026, 4, 9, 0, 30), { promptTokens: 20, completionTokens: 0 });
      await rec(u, local(offset, 2026, 4, 9, 23, 30), { promptTokens: 300, completionTokens: 0 });
      await rec(u, local(offset, 2026, 4, 10, 0, 30), { promptTokens: 4000, completionTokens: 0 });
      await rec(u, local(offset, 2026, 4, 10, 23, 59), { promptTokens: 50000, completionTokens: 0 });
      await rec(u, local(offset, 2026, 4, 11, 0, 0), { promptTokens: 7, completionTokens: 0 }); // after the range
      const range = R.lastDays(2, offset, local(offset, 2026, 4, 10, 12));
      assert.deepEqual(range.days, ["2026-04-09", "2026-04-10"]);
      assert.deepEqual(await daily(u, range), [
        { day: "2026-04-09", model: "GLM-4-Flash", tokens: 320, requests: 2 },
        { day: "2026-04-10", model: "GLM-4-Flash", tokens: 54000, requests: 2 },
      ]);
    });
  }

  // Known gap: usage_hourly buckets by UTC hour, which cannot split a day at a half-hour offset's midnight.
  test("half-hour offset: India (+330) 00:10 local counts on that day", async () => {
    const u = await newUser();
    await rec(u, local(330, 2026, 4, 10, 0, 10), { promptTokens: 1, completionTokens: 0 });
    await rec(u, local(330, 2026, 4, 10, 23, 50), { promptTokens: 2, completionTokens: 0 });
    assert.deepEqual(await daily(u, R.lastDays(1, 330, local(330, 2026, 4, 10, 12))), [
      { day: "2026-04-10", model: "GLM-4-Flash", tokens: 3, requests: 2 },
    ]);
  });
});

describe("empty ranges", () => {
  test("no rows at all: empty arrays", async () => {
    const u = await newUser();
    const range = R.lastDays(90, 0, Date.UTC(2026, 4, 1));
    assert.deepEqual(await daily(u, range), []);
    assert.deepEqual(await byModel(u, range), []);
    assert.deepEqual(await byKey(u, range), []);
    assert.deepEqual(await recent(u, 0, 25), { rows: [], hasMore: false });
  });

  test("rows only outside the range: nothing", async () => {
    const u = await newUser();
    const range = R.lastDays(7, 0, Date.UTC(2026, 4, 20, 12));
    await rec(u, range.from - 1);
    await rec(u, range.to);
    await rec(u, Date.UTC(2026, 3, 1));
    assert.deepEqual(await daily(u, range), []);
    assert.deepEqual(await byModel(u, range), []);
    assert.deepEqual(await byKey(u, range), []);
    assert.equal((await recent(u, 0, 25)).rows.length, 3, "the ledger itself still lists them");
  });
});

describe("scoping", () => {
  test("a user sees only their own rows; null sees everyone's", async () => {
    const a = await newUser();
    const b = await newUser();
    const t = Date.UTC(2099, 0, 5, 10); // newer than any other test's rows, alone in its week
    await rec(a, t, { promptTokens: 100, completionTokens: 1 });
    await rec(a, t + 1, { promptTokens: 100, completionTokens: 1 });
    await rec(b, t + 2, { promptTokens: 5000, completionTokens: 0, model: "GLM-4-Air" });
    const range = R.lastDays(7, 0, t);
    assert.deepEqual(await daily(a, range), [{ day: "2099-01-05", model: "GLM-4-Flash", tokens: 202, requests: 2 }]);
    assert.deepEqual(await daily(b, range), [{ day: "2099-01-05", model: "GLM-4-Air", tokens: 5000, requests: 1 }]);
    assert.deepEqual((await daily(null, range)).map((r) => [r.model, r.tokens, r.requests]).sort(), [
      ["GLM-4-Air", 5000, 1],
      ["GLM-4-Flash", 202, 2],
    ]);
    assert.deepEqual(
      (await byModel(a, range)).map((r) => r.model),
      ["GLM-4-Flash"],
    );
    assert.deepEqual(
      (await byKey(b, range)).map((r) => [r.source, r.requests, r.tokens]),
      [["chat", 1, 5000]],
    );
    assert.deepEqual(
      (await byKey(null, range)).map((r) => r.requests),
      [3],
    );
    assert.deepEqual(
      (await recent(a, 0, 25)).rows.map((r) => r.createdAt),
      [t + 1, t],
    );
    assert.deepEqual(
      (await recent(b, 0, 25)).rows.map((r) => r.model),
      ["GLM-4-Air"],
    );
    assert.deepEqual(
      (await recent(null, 0, 3)).rows.map((r) => r.createdAt),
      [t + 2, t + 1, t],
    );
  });
});

describe("sums", () => {
  test("tokens, requests, errors (our or the upstream's failures) and mean TTFT per model", async () => {
    const u = await newUser();
    const h = Date.UTC(2026, 5, 3, 9);
    await rec(u, h, { promptTokens: 100, completionTokens: 50, ttftMs: 100 });
    await rec(u, h + 10 * MIN, { promptTokens: 200, completionTokens: 0, ttftMs: 200, status: 399 });
    await rec(u, h + 20 * MIN, { promptTokens: 7, completionTokens: 0, status: 400, errorCode: "invalid_request" });
    await rec(u, h + 3 * 3_600_000, { promptTokens: 1000, completionTokens: 500, ttftMs: 600 });
    await rec(u, h + 5 * 3_600_000, {
      promptTokens: 30,
      completionTokens: 0,
      status: 502,
      errorCode: "upstream_error",
    });
    await rec(u, h, {
      model: "GLM-4-Long",
      promptTokens: 9,
      completionTokens: 1,
      status: 429,
      errorCode: "rate_limited",
    });
    await rec(u, h + DAY, { model: "GLM-4-Long", promptTokens: 0, completionTokens: 0, status: 500 });
    const range = R.lastDays(7, 0, h + DAY);
    assert.deepEqual(await byModel(u, range), [
      // TTFT: (100 + 200 + 600) / 3 over the rows that have one, not the mean of hourly means (375)
      { model: "GLM-4-Flash", requests: 5, tokens: 1887, errors: 1, ttftMs: 300 },
      { model: "GLM-4-Long", requests: 2, tokens: 10, errors: 1, ttftMs: null },
    ]);
    assert.deepEqual(byDay(await daily(u, range)), [
      { day: "2026-06-03", model: "GLM-4-Flash", tokens: 1887, requests: 5 },
      { day: "2026-06-03", model: "GLM-4-Long", tokens: 10, requests: 1 },
      { day: "2026-06-04", model: "GLM-4-Long", tokens: 0, requests: 1 },
    ]);
  });
});

describe("what counts as an error, and as a model", () => {
  /**
   * The same rows read from the roll-up (UTC day) and from the ledger: at +05:30 the UTC hour holding India's
   * midnight (18:30 UTC) is split between two days, so its rows are read from the ledger itself.
   */
  const both = async (u: string, t: number) => ({
    rollup: await byModel(u, R.lastDays(1, 0, t)),
    ledger: await byModel(u, R.lastDays(1, 330, t)),
  });

  test("a Stop (499) and refusals are not errors; 5xx, upstream failures and interruptions are", async () => {
    const u = await newUser();
    const t = Date.UTC(2026, 8, 2, 18, 30); // 00:00 in India: its split hour, read from the ledger
    const at = (i: number) => t + i * MIN;
    for (let i = 0; i < 9; i++) await rec(u, at(i));
    await rec(u, at(10), { status: 499, errorCode: "client_closed", completionTokens: 3 });
    const clean = await both(u, t);
    assert.deepEqual(
      clean.rollup.map((r) => [r.model, r.requests, r.errors]),
      [["GLM-4-Flash", 10, 0]],
      "a Stop is no error",
    );
    assert.deepEqual(
      clean.ledger.map((r) => [r.model, r.requests, r.errors]),
      [["GLM-4-Flash", 10, 0]],
    );

    await rec(u, at(11), { status: 400, errorCode: "context_length_exceeded" });
    await rec(u, at(12), { status: 401, errorCode: "invalid_api_key" });
    await rec(u, at(13), { status: 429, errorCode: "rate_limit_exceeded" });
    await rec(u, at(14), { status: 502, errorCode: "upstream_error" });
    await rec(u, at(15), { status: 504, errorCode: "upstream_timeout" });
    await rec(u, at(16), { status: 500, errorCode: "interrupted" });
    await rec(u, at(17), { status: 429, errorCode: "insufficient_quota" });
    const mixed = await both(u, t);
    assert.deepEqual(
      mixed.rollup.map((r) => [r.model, r.requests, r.errors]),
      [["GLM-4-Flash", 17, 4]],
    );
    assert.deepEqual(mixed.ledger, mixed.rollup, "roll-up and ledger agree");
  });

  test('model names /v1 refused group as one "unknown model"', async () => {
    const u = await newUser();
    const t = Date.UTC(2026, 8, 3, 18, 30);
    await rec(u, t, { promptTokens: 10, completionTokens: 5 });
    await rec(u, t + MIN, {
      model: "gpt-4o",
      status: 404,
      errorCode: "model_not_found",
      promptTokens: 0,
      completionTokens: 0,
    });
    await rec(u, t + 2 * MIN, {
      model: "claude",
      status: 404,
      errorCode: "model_not_found",
      promptTokens: 0,
      completionTokens: 0,
    });
    await rec(u, t + 3 * MIN, {
      model: "unknown",
      status: 400,
      errorCode: "invalid_request_error",
      promptTokens: 0,
      completionTokens: 0,
    });
    for (const range of [R.lastDays(1, 0, t), R.lastDays(1, 330, t)]) {
      assert.deepEqual(
        (await byModel(u, range)).map((r) => [r.model, r.requests, r.errors]),
        [
          [R.UNKNOWN_MODEL, 3, 0],
          ["GLM-4-Flash", 1, 0],
        ],
      );
      assert.deepEqual(
        byDay(await daily(u, range)).map((r) => [r.model, r.requests]),
        [
          ["GLM-4-Flash", 1],
          [R.UNKNOWN_MODEL, 3],
        ],
      );
    }
    assert.deepEqual(
      (await recent(u, 0, 2)).rows.map((r) => r.model),
      ["unknown", "claude"],
      "the list of requests still says what was sent",
    );
  });

  test("a request still in progress counts nowhere until it ends, in the roll-up and the ledger alike", async () => {
    const u = await newUser();
    const t = Date.UTC(2026, 8, 4, 18, 30);
    await rec(u, t);
    const id = await L.startUsage(db, {
      createdAt: t + MIN,
      userId: u,
      apiKeyId: null,
      source: "chat",
      model: "GLM-4-Air",
      stream: true,
      errorCode: null,
      promptTokens: 0,
      completionTokens: 0,
      ttftMs: null,
      durationMs: 0,
    });
    const running = await both(u, t);
    assert.deepEqual(
      running.rollup.map((r) => r.model),
      ["GLM-4-Flash"],
    );
    assert.deepEqual(running.ledger, running.rollup);
    await L.completeUsage(db, {
      id,
      status: 200,
      errorCode: null,
      promptTokens: 4,
      completionTokens: 4,
      ttftMs: 50,
      durationMs: 90,
    });
    const done = await both(u, t);
    assert.deepEqual(done.rollup.map((r) => [r.model, r.requests]).sort(), [
      ["GLM-4-Air", 1],
      ["GLM-4-Flash", 1],
    ]);
    assert.deepEqual(done.ledger, done.rollup);
  });
});

describe("usageByKey", () => {
  test("chat apart from each API key, with the key's name", async () => {
    const u = await newUser();
    const k1 = (await createApiKey({ userId: u, name: "laptop" })).row;
    const k2 = (await createApiKey({ userId: u, name: "ci" })).row;
    const t = Date.UTC(2026, 6, 1, 12);
    for (let i = 0; i < 3; i++)
      await rec(u, t + i * 3_600_000, { source: "api", apiKeyId: k1.id, promptTokens: 10, completionTokens: 10 });
    await rec(u, t, { promptTokens: 1, completionTokens: 1 });
    await rec(u, t + DAY, { promptTokens: 2, completionTokens: 2, model: "GLM-4-Plus" });
    await rec(u, t, { source: "api", apiKeyId: k2.id, promptTokens: 500, completionTokens: 0 });
    assert.deepEqual(await byKey(u, R.lastDays(7, 0, t + DAY)), [
      { source: "api", keyId: k1.id, keyName: "laptop", keyPrefix: k1.prefix, requests: 3, tokens: 60 },
      { source: "chat", keyId: "", keyName: null, keyPrefix: null, requests: 2, tokens: 6 },
      { source: "api", keyId: k2.id, keyName: "ci", keyPrefix: k2.prefix, requests: 1, tokens: 500 },
    ]);
  });
});

describe("usageByPersonAsAdmin", () => {
  test("everyone's requests and tokens per account, most tokens first; recent rows say whose they are", async () => {
    const a = await createUser(db, { email: "person-a@example.com", passwordHash: null });
    const b = await createUser(db, { email: "person-b@example.com", passwordHash: null });
    const t = Date.UTC(2098, 3, 10, 12); // alone in its range
    await rec(a.id, t, { promptTokens: 10, completionTokens: 5 });
    await rec(a.id, t + MIN, { source: "api", promptTokens: 20, completionTokens: 5 });
    await rec(b.id, t + 2 * MIN, { promptTokens: 900, completionTokens: 100 });
    await rec(b.id, t - 30 * DAY, { promptTokens: 1, completionTokens: 1 }); // outside 7 days
    const people = (range: Range) =>
      R.usageByPersonAsAdmin(db, { range }).then((rows) => rows.map((r) => [r.email, r.requests, r.tokens]));
    const expected = [
      ["person-b@example.com", 1, 1000],
      ["person-a@example.com", 2, 40],
    ];
    assert.deepEqual(await people(R.lastDays(7, 0, t)), expected);
    // India's +5:30: the hours split by its midnights are read from the ledger, the rest from the roll-up.
    assert.deepEqual(await people(R.lastDays(7, 330, t)), expected);
    assert.deepEqual(await people(R.lastDays(90, 330, t)), [
      ["person-b@example.com", 2, 1002],
      ["person-a@example.com", 2, 40],
    ]);
    const mine = (await recent(a.id, 0, 1)).rows[0];
    assert.equal("email" in mine, false, "a user's own rows carry no email");
    const everyones = (await recent(null, 0, 200)).rows.filter((r) => r.createdAt >= t && r.createdAt <= t + 2 * MIN);
    assert.deepEqual(
      everyones.map((r) => r.email),
      ["person-b@example.com", "person-a@example.com", "person-a@example.com"],
    );
  });
});

describe("recentRequests", () => {
  test("newest first, ties by insertion; pages with hasMore", async () => {
    const u = await newUser();
    const key = (await createApiKey({ userId: u, name: "script" })).row;
    const t = Date.UTC(2026, 7, 1);
    for (const [dt, p] of [
      [3, 3],
      [1, 1],
      [5, 5],
      [3, 33],
      [2, 2],
    ]) {
      await rec(u, t + dt * MIN, { promptTokens: p, completionTokens: 100, ttftMs: p * 10, durationMs: p * 100 });
    }
    await rec(u, t + 4 * MIN, {
      source: "api",
      apiKeyId: key.id,
      status: 500,
      promptTokens: 4,
      completionTokens: 0,
      ttftMs: null,
    });
    const pages = await Promise.all([0, 1, 2, 3].map((p) => recent(u, p, 2)));
    assert.deepEqual(
      pages.map((p) => p.hasMore),
      [true, true, false, false],
    );
    assert.deepEqual(
      pages.map((p) => p.rows.map((r) => r.tokens)),
      [[105, 4], [133, 103], [102, 101], []],
    );
    assert.deepEqual(
      pages[0].rows.map(({ id: _, ...r }) => r),
      [
        {
          createdAt: t + 5 * MIN,
          source: "chat",
          keyName: null,
          model: "GLM-4-Flash",
          tokens: 105,
          durationMs: 500,
          ttftMs: 50,
          status: 200,
        },
        {
          createdAt: t + 4 * MIN,
          source: "api",
          keyName: "script",
          model: "GLM-4-Flash",
          tokens: 4,
          durationMs: 900,
          ttftMs: null,
          status: 500,
        },
      ],
    );
    assert.ok(pages[1].rows[0].id > pages[1].rows[1].id, "same createdAt: the later insert first");
    assert.deepEqual((await recent(u, 0, 6)).hasMore, false);
    assert.deepEqual((await recent(u, 0, 5)).hasMore, true);
  });
});

alsoOnPostgres(__filename);
