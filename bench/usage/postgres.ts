/**
 * The usage benchmark on PostgreSQL: a throw-away server (scripts/postgres.mjs) or BENCH_DATABASE_URL's
 * server, on which a fresh database is created and dropped at the end. The same data set and the same app
 * calls as the SQLite run.
 *
 * Seeding: the ledger through COPY … FROM STDIN (text format, 10,000-row chunks with back-pressure), then
 * usage_hourly by the same INSERT … SELECT … GROUP BY as the SQLite run, then VACUUM ANALYZE: a bulk load leaves
 * the visibility map empty, and index-only scans (what the covering indexes are for) need it; in the app
 * autovacuum does this for a table that grows a request at a time.
 */
import { existsSync } from "node:fs";
import { performance } from "node:perf_hooks";
import postgres from "postgres";
import { count, loadMeter, machine } from "../lib/load";
import { cpuTicksOf, TICKS_PER_SECOND, timeCallsAsync } from "../support";
import { BACKFILL_HOURLY, LEDGER_COLUMNS, type LedgerTuple, ledgerRows, log, RECORD_CALLS, recordRow } from "./data";
import { measureReports, type Row, type Timed, timed } from "./reports";

/** What a PostgreSQL run keeps (bench/results/usage-postgres.json): everything its docs section says. */
export interface PostgresResults {
  now: number;
  machine: string;
  version: string;
  runS: number;
  otherLoad: number;
  rows: number;
  seeded: { ledgerS: number; hourlyS: number; vacuumS: number };
  hourlyRows: number;
  dbBytes: number;
  reports: Row[];
  recordUsage: Timed;
  startEnd: Timed;
  progress: Timed;
  burst: { ms: number; counted: number };
}

/** One COPY text-format line: tab-separated, \N for NULL, t/f for booleans (no value here holds a tab or a backslash). */
const copyLine = (row: LedgerTuple) =>
  row.map((v) => (v === null ? "\\N" : typeof v === "boolean" ? (v ? "t" : "f") : String(v))).join("\t") + "\n";

export async function benchPostgres(o: { serverUrl?: string; rows: number; keep: boolean }): Promise<PostgresResults> {
  const t0 = performance.now();
  let serverUrl = o.serverUrl;
  let stopServer = () => {};
  if (!serverUrl) {
    // @ts-expect-error: a plain ES module without types
    const { startTestPostgres } = await import("../../scripts/postgres.mjs");
    const pg = await startTestPostgres();
    log(`started a throw-away PostgreSQL: ${pg.url}`);
    serverUrl = pg.url as string;
    stopServer = pg.stop;
  }
  const name = `glm_bench_usage_${process.pid}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}" template template0 encoding 'UTF8'`);
  const url = Object.assign(new URL(serverUrl), { pathname: `/${name}` }).toString();
  try {
    const { migratePostgres } = await import("@/db/engines/postgres");
    await migratePostgres(url);
    process.env.DATABASE_URL = url;
    process.env.AUTH_SECRET ??= "bench-secret-bench-secret";
    // The server's CPU: its backends for this database, read from /proc (only when the server runs here).
    const serverTicks = async () => {
      const pids = (await admin`select pid from pg_stat_activity where datname = ${name}`).map((r) => r.pid as number);
      return pids.every((p) => existsSync(`/proc/${p}/stat`)) ? pids.reduce((sum, p) => sum + cpuTicksOf(p), 0) : null;
    };
    return { ...(await run(url, o.rows, serverTicks)), runS: (performance.now() - t0) / 1000 };
  } finally {
    const { getDb } = await import("@/db");
    await (getDb() as unknown as { $client: postgres.Sql }).$client.end().catch(() => {});
    if (o.keep) {
      log(`kept the database: ${url} (the server keeps running only if it was BENCH_DATABASE_URL's)`);
    } else {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
    }
    await admin.end();
    if (!o.keep) stopServer();
  }
}

async function run(url: string, rows: number, serverTicks: () => Promise<number | null>) {
  const { getDb } = await import("@/db");
  const { createUser } = await import("@/db/queries/users");
  const { createApiKey } = await import("@/lib/auth/api-keys");
  const { recordUsage, startUsage, completeUsage, usageProgress } = await import("@/db/queries/usage");
  const R = await import("@/db/queries/usage-report");
  const db = getDb();
  const sql = (db as unknown as { $client: postgres.Sql }).$client;
  const [{ version }] = await sql`select current_setting('server_version') as version`;

  const now = Date.now();
  const user = (await createUser(db, { email: "bench-usage@example.com", passwordHash: null })).id;
  const keys: string[] = [];
  for (const name of ["laptop", "ci", "server"]) keys.push((await createApiKey({ userId: user, name })).row.id);

  log(`COPY ${count(rows)} ledger rows into ${new URL(url).pathname.slice(1)}`);
  let t = performance.now();
  const stream = await sql.unsafe(`copy usage (${LEDGER_COLUMNS}) from stdin`).writable();
  const ledger = ledgerRows(rows, user, keys, now);
  for (let done = false; !done; ) {
    let chunk = "";
    for (let i = 0; i < 10_000; i++) {
      const next = ledger.next();
      if (next.done) {
        done = true;
        break;
      }
      chunk += copyLine(next.value);
    }
    if (chunk && !stream.write(chunk)) await new Promise((r) => stream.once("drain", r));
  }
  await new Promise<void>((resolve, reject) => {
    stream.once("finish", resolve);
    stream.once("error", reject);
    stream.end();
  });
  const ledgerS = (performance.now() - t) / 1000;
  t = performance.now();
  await sql.unsafe(BACKFILL_HOURLY);
  const hourlyS = (performance.now() - t) / 1000;
  t = performance.now();
  await sql.unsafe("vacuum analyze usage");
  await sql.unsafe("vacuum analyze usage_hourly");
  const vacuumS = (performance.now() - t) / 1000;
  const [{ hourly, requests, bytes }] = await sql`select (select count(*) from usage_hourly) as hourly,
    (select sum(requests) from usage_hourly) as requests, pg_database_size(current_database()) as bytes`;
  if (requests !== rows) throw new Error(`roll-up holds ${requests} requests, expected ${rows}`);
  log(
    `ledger ${ledgerS.toFixed(1)} s, roll-up ${hourlyS.toFixed(1)} s, vacuum analyze ${vacuumS.toFixed(1)} s: ` +
      `${count(hourly)} hourly rows, ${(bytes / 2 ** 20).toFixed(0)} MiB`,
  );

  let mark = await serverTicks();
  const serverAtStart = mark ?? 0;
  const meter = loadMeter();
  const reports: Row[] = await measureReports(R, db, user, now, async (_q, _scope, range, calls) => {
    const ticks = await serverTicks();
    const serverCpuMs = ticks === null || mark === null ? null : ((ticks - mark) * 1000) / TICKS_PER_SECOND / calls;
    const read = range
      ? {
          read: `${count(
            (await sql`select count(*) as c from usage_hourly where hour >= ${range.from} and hour < ${range.to}`)[0].c,
          )} hourly rows`,
        }
      : {};
    mark = await serverTicks();
    return { ...read, serverCpuMs };
  });
  // The server's backends work for this bench: not other load.
  const otherLoad = meter.read(((await serverTicks()) ?? 0) - serverAtStart);

  // The ledger's writes, one call at a time (each a round trip to the server).
  const row = recordRow(user, keys, now);
  let i = 0;
  const opts = { warm: 200, reps: RECORD_CALLS, minReps: 1000, budgetMs: 20_000 };
  const rec = await timeCallsAsync(() => recordUsage(db, row(i++)), opts);
  const startEnd = await timeCallsAsync(async () => {
    const id = await startUsage(db, row(i++));
    const end = { status: 200, errorCode: null, ttftMs: 80, durationMs: 900, promptTokens: 40, completionTokens: 300 };
    await completeUsage(db, { id, ...end });
  }, opts);
  const progressId = await startUsage(db, row(i++));
  const progress = await timeCallsAsync(
    () => usageProgress(db, { id: progressId, promptTokens: 40, completionTokens: i++, durationMs: 1000 }),
    opts,
  );
  // Many requests finishing at once into the same hourly buckets: the upsert must count every one.
  const inThisHour = async () =>
    Number(
      (await sql`select coalesce(sum(requests), 0) as r from usage_hourly where hour >= ${now - (now % 3_600_000)}`)[0]
        .r,
    );
  const before = await inThisHour();
  t = performance.now();
  await Promise.all(Array.from({ length: 2000 }, () => recordUsage(db, row(i++))));
  const burst = { ms: performance.now() - t, counted: (await inThisHour()) - before };
  log(
    `recordUsage p50 ${(rec.wall.p50 * 1000).toFixed(0)} µs; 2,000 concurrent: ${burst.ms.toFixed(0)} ms, counted ${burst.counted}`,
  );

  return {
    now,
    machine: machine(),
    version: version as string,
    otherLoad,
    rows,
    seeded: { ledgerS, hourlyS, vacuumS },
    hourlyRows: hourly as number,
    dbBytes: bytes as number,
    reports,
    recordUsage: timed(rec),
    startEnd: timed(startEnd),
    progress: timed(progress),
    burst,
  };
}
