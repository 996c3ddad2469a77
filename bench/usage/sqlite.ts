/**
 * The usage benchmark on SQLite (the default engine): a fresh file in a temp dir, migrated by the app's
 * openDatabase. `usage` is bulk-inserted through the raw better-sqlite3 handle (prepared statement,
 * 100,000-row transactions); `usage_hourly` is then built with one INSERT … SELECT … GROUP BY, the backfill
 * statement of db/migrations/0004_usage_hourly.sql. The reports are timed with the query plan of the SQL each
 * ran; then recordUsage per call on the same database, and the prototype of a fix (./prototype.ts).
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import type Database from "better-sqlite3";
import { count, loadMeter, machine } from "../lib/load";
import { timeCalls, timeCallsAsync } from "../support";
import {
  BACKFILL_HOURLY,
  DAYS,
  LEDGER_COLUMNS,
  type LedgerTuple,
  ledgerRows,
  log,
  RECORD_CALLS,
  recordRow,
} from "./data";
import { type ProtoRow, prototype } from "./prototype";
import { measureReports, type Row, type Timed, timed } from "./reports";

/** What a SQLite run keeps (bench/results/usage.json): everything its docs section says. */
export interface SqliteResults {
  now: number;
  machine: string;
  runS: number;
  /** Other processes' share of the machine's CPU during the report runs. */
  otherLoad: number;
  rows: number;
  days: number;
  recordCalls: number;
  seeded: { ledgerS: number; hourlyS: number };
  hourlyRows: number;
  dbBytes: number;
  reports: Row[];
  recordUsage: Timed;
  ledgerOnly: Timed;
  prototype: ProtoRow[];
}

function seed(sqlite: Database.Database, rows: number, userId: string, keyIds: string[], now: number) {
  const insert = sqlite.prepare(`insert into usage (${LEDGER_COLUMNS}) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const ledger = ledgerRows(rows, userId, keyIds, now);
  const batch = sqlite.transaction((n: number) => {
    for (let i = 0; i < n; i++) {
      const row = ledger.next().value as LedgerTuple;
      row[5] = (row[5] ? 1 : 0) as unknown as boolean; // better-sqlite3 binds no booleans
      insert.run(...row);
    }
  });
  const t0 = performance.now();
  for (let i = 0; i < rows; i += 100_000) batch(Math.min(rows, i + 100_000) - i);
  const ledgerS = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  sqlite.exec(`delete from usage_hourly; ${BACKFILL_HOURLY};`);
  const hourlyS = (performance.now() - t1) / 1000;
  sqlite.pragma("wal_checkpoint(TRUNCATE)");
  return { ledgerS, hourlyS };
}

export async function benchSqlite({ rows, keep }: { rows: number; keep: boolean }): Promise<SqliteResults> {
  const t0 = performance.now();
  const dir = mkdtempSync(path.join(os.tmpdir(), "glm-usage-bench-"));
  const dbFile = path.join(dir, "usage.db");
  process.env.DATABASE_URL = `file:${dbFile}`;
  process.env.AUTH_SECRET ??= "bench";
  const { getDb } = await import("@/db");
  const { createUser } = await import("@/db/queries/users");
  const { createApiKey } = await import("@/lib/auth/api-keys");
  const { recordUsage } = await import("@/db/queries/usage");
  const { usage } = await import("@/db/schema");
  const R = await import("@/db/queries/usage-report");
  const db = getDb();
  // openDatabase keeps drizzle's $client (the better-sqlite3 handle), though the Db type does not declare it.
  const sqlite = (db as unknown as { $client: Database.Database }).$client;

  const now = Date.now();
  const user = (await createUser(db, { email: "bench-usage@example.com", passwordHash: null })).id;
  const keys: string[] = [];
  for (const name of ["laptop", "ci", "server"]) keys.push((await createApiKey({ userId: user, name })).row.id);
  log(`seeding ${count(rows)} ledger rows into ${dbFile}`);
  const seeded = seed(sqlite, rows, user, keys, now);
  const hourlyRows = (sqlite.prepare("select count(*) c from usage_hourly").get() as { c: number }).c;
  const dbBytes = statSync(dbFile).size;
  log(
    `ledger ${seeded.ledgerS.toFixed(1)} s, hourly roll-up ${seeded.hourlyS.toFixed(1)} s: ${count(hourlyRows)} hourly rows, ` +
      `${(dbBytes / 2 ** 20).toFixed(0)} MiB`,
  );
  const check = sqlite.prepare("select sum(requests) r from usage_hourly").get() as { r: number };
  if (check.r !== rows) throw new Error(`roll-up holds ${check.r} requests, expected ${rows}`);

  // Capture the SQL each app call prepares (drizzle prepares on every execution), for EXPLAIN QUERY PLAN.
  let lastSql = "";
  const prepare = sqlite.prepare.bind(sqlite);
  (sqlite as { prepare: typeof prepare }).prepare = ((src: string) => {
    lastSql = src;
    return prepare(src);
  }) as typeof prepare;
  const plan = (sql: string) => {
    const params = (sql.match(/\?/g) ?? []).map(() => 0);
    return (
      prepare(`explain query plan ${sql}`).all(...params) as { id: number; parent: number; detail: string }[]
    ).map((p) => p.detail);
  };

  const meter = loadMeter();
  const inRange = prepare("select count(*) c from usage_hourly where hour >= ? and hour < ?");
  const reports = await measureReports(R, db, user, now, (_query, _scope, range) => ({
    ...(range ? { read: `${count((inRange.get(range.from, range.to) as { c: number }).c)} hourly rows` } : {}),
    sql: lastSql,
    plan: plan(lastSql),
  }));
  const otherLoad = meter.read();
  (sqlite as { prepare: typeof prepare }).prepare = prepare;

  // recordUsage per call: mostly existing hourly buckets (the current hour), as in steady traffic.
  const row = recordRow(user, keys, now);
  let i = 0;
  const writes = { warm: 500, reps: RECORD_CALLS, minReps: RECORD_CALLS, budgetMs: 60_000 };
  const rec = await timeCallsAsync(() => recordUsage(db, row(i++)), writes);
  const ledgerOnly = timeCalls(
    () =>
      db.transaction((tx) => {
        tx.insert(usage).values(row(i++)).run();
      }),
    writes,
  );
  log(
    `recordUsage: mean ${(rec.wall.mean * 1000).toFixed(0)} µs, p50 ${(rec.wall.p50 * 1000).toFixed(0)} µs; ` +
      `ledger insert alone: mean ${(ledgerOnly.wall.mean * 1000).toFixed(0)} µs`,
  );

  log("prototyping the fix for the 90-day reports on this scratch database");
  const proto = await prototype(sqlite, db, user, now);

  if (keep) log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
  return {
    now,
    machine: machine(),
    runS: (performance.now() - t0) / 1000,
    otherLoad,
    rows,
    days: DAYS,
    recordCalls: RECORD_CALLS,
    seeded,
    hourlyRows,
    dbBytes,
    reports,
    recordUsage: timed(rec),
    ledgerOnly: timed(ledgerOnly),
    prototype: proto,
  };
}
