/**
 * The usage-report benchmark on PostgreSQL: `npm run bench:usage -- --postgres` (a throw-away server started by
 * scripts/postgres.mjs) or `BENCH_DATABASE_URL=postgres://… npm run bench:usage` (that server; a fresh database
 * is created on it and dropped at the end). The same data set and the same app calls as the SQLite run
 * (bench/usage.ts, which hands over what both share); writes "## Usage reports on PostgreSQL" in docs/benchmarks.md.
 *
 * Seeding: the ledger through COPY … FROM STDIN (text format, 10,000-row chunks with back-pressure), then
 * usage_hourly by the same INSERT … SELECT … GROUP BY as the SQLite run, then VACUUM ANALYZE: a bulk load leaves
 * the visibility map empty, and index-only scans (what the covering indexes are for) need it; in the app
 * autovacuum does this for a table that grows a request at a time.
 */
import path from "node:path";
import { performance } from "node:perf_hooks";
import postgres from "postgres";
import { existsSync } from "node:fs";
import {
  cpuTicksOf,
  machineTicks,
  replaceDocSection,
  TICKS_PER_SECOND,
  timeCallsAsync as measureAsync,
} from "./support";
import type { LedgerTuple, Row } from "./usage";

type Bench = typeof import("./usage");
/** What bench/usage.ts shares with this half. */
interface Shared {
  ROWS: number;
  WRITE: boolean;
  KEEP: boolean;
  OFFSET: number;
  TARGET_MS: number;
  RECORD_CALLS: number;
  LEDGER_COLUMNS: string;
  BACKFILL_HOURLY: string;
  ledgerRows: Bench["ledgerRows"];
  measureReports: Bench["measureReports"];
  recordRow: Bench["recordRow"];
  log: (m: string) => void;
  machine: () => string;
  f: (v: number) => string;
  n: (v: number) => string;
}

const ROOT = path.resolve(__dirname, "..");

/** One COPY text-format line: tab-separated, \N for NULL, t/f for booleans (no value here holds a tab or a backslash). */
const copyLine = (row: LedgerTuple) =>
  row.map((v) => (v === null ? "\\N" : typeof v === "boolean" ? (v ? "t" : "f") : String(v))).join("\t") + "\n";

export async function benchPostgres(serverUrl: string | undefined, S: Shared) {
  const t0 = performance.now();
  let stopServer = () => {};
  if (!serverUrl) {
    // @ts-expect-error: a plain ES module without types
    const { startTestPostgres } = await import("../scripts/postgres.mjs");
    const pg = await startTestPostgres();
    S.log(`started a throw-away PostgreSQL: ${pg.url}`);
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
    await run(url, S, t0, serverTicks);
  } finally {
    const { getDb } = await import("@/db");
    await (getDb() as unknown as { $client: postgres.Sql }).$client.end().catch(() => {});
    if (S.KEEP) {
      S.log(`kept the database: ${url} (the server keeps running only if it was BENCH_DATABASE_URL's)`);
    } else {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
    }
    await admin.end();
    if (!S.KEEP) stopServer();
  }
}

async function run(url: string, S: Shared, t0: number, serverTicks: () => Promise<number | null>) {
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

  S.log(`COPY ${S.n(S.ROWS)} ledger rows into ${new URL(url).pathname.slice(1)}`);
  let t = performance.now();
  const stream = await sql.unsafe(`copy usage (${S.LEDGER_COLUMNS}) from stdin`).writable();
  const rows = S.ledgerRows(S.ROWS, user, keys, now);
  for (let done = false; !done; ) {
    let chunk = "";
    for (let i = 0; i < 10_000; i++) {
      const next = rows.next();
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
  await sql.unsafe(S.BACKFILL_HOURLY);
  const hourlyS = (performance.now() - t) / 1000;
  t = performance.now();
  await sql.unsafe("vacuum analyze usage");
  await sql.unsafe("vacuum analyze usage_hourly");
  const vacuumS = (performance.now() - t) / 1000;
  const [{ hourly, requests, bytes }] = await sql`select (select count(*) from usage_hourly) as hourly,
    (select sum(requests) from usage_hourly) as requests, pg_database_size(current_database()) as bytes`;
  if (requests !== S.ROWS) throw new Error(`roll-up holds ${requests} requests, expected ${S.ROWS}`);
  S.log(
    `ledger ${ledgerS.toFixed(1)} s, roll-up ${hourlyS.toFixed(1)} s, vacuum analyze ${vacuumS.toFixed(1)} s: ` +
      `${S.n(hourly)} hourly rows, ${(bytes / 2 ** 20).toFixed(0)} MiB`,
  );

  let mark = await serverTicks();
  const load0 = { m: machineTicks(), own: cpuTicksOf(process.pid), server: mark ?? 0 };
  const measured: Row[] = await S.measureReports(R, db, user, now, async (_q, _scope, range, calls) => {
    const ticks = await serverTicks();
    const serverCpuMs = ticks === null || mark === null ? null : ((ticks - mark) * 1000) / TICKS_PER_SECOND / calls;
    const read = range
      ? {
          read: `${S.n(
            (
              await sql`select count(*) as c from usage_hourly
      where hour >= ${range.from} and hour < ${range.to}`
            )[0].c,
          )} hourly rows`,
        }
      : {};
    mark = await serverTicks();
    return { ...read, serverCpuMs };
  });
  const load1 = { m: machineTicks(), own: cpuTicksOf(process.pid), server: (await serverTicks()) ?? 0 };
  const otherLoad = Math.max(
    0,
    (load1.m.busy - load0.m.busy - (load1.own - load0.own) - (load1.server - load0.server)) /
      Math.max(1, load1.m.total - load0.m.total),
  );

  // The ledger's writes, one call at a time (each a round trip to the server).
  const row = S.recordRow(user, keys, now);
  let i = 0;
  const opts = { warm: 200, reps: S.RECORD_CALLS, minReps: 1000, budgetMs: 20_000 };
  const rec = await measureAsync(() => recordUsage(db, row(i++)), opts);
  const startEnd = await measureAsync(async () => {
    const id = await startUsage(db, row(i++));
    await completeUsage(db, {
      id,
      status: 200,
      errorCode: null,
      ttftMs: 80,
      durationMs: 900,
      promptTokens: 40,
      completionTokens: 300,
    });
  }, opts);
  const progressId = await startUsage(db, row(i++));
  const progress = await measureAsync(
    () => usageProgress(db, { id: progressId, promptTokens: 40, completionTokens: i++, durationMs: 1000 }),
    opts,
  );
  // Many requests finishing at once into the same hourly buckets: the upsert must count every one.
  const before = Number(
    (await sql`select coalesce(sum(requests), 0) as r from usage_hourly where hour >= ${now - (now % 3_600_000)}`)[0].r,
  );
  t = performance.now();
  await Promise.all(Array.from({ length: 2000 }, () => recordUsage(db, row(i++))));
  const burstMs = performance.now() - t;
  const after = Number(
    (await sql`select coalesce(sum(requests), 0) as r from usage_hourly where hour >= ${now - (now % 3_600_000)}`)[0].r,
  );
  S.log(
    `recordUsage p50 ${(rec.wall.p50 * 1000).toFixed(0)} µs; 2,000 concurrent: ${burstMs.toFixed(0)} ms, counted ${after - before}`,
  );

  const section = render(S, {
    version,
    measured,
    hourly,
    bytes,
    ledgerS,
    hourlyS,
    vacuumS,
    rec,
    startEnd,
    progress,
    burst: { ms: burstMs, counted: after - before },
    otherLoad,
    runS: (performance.now() - t0) / 1000,
    now,
  });
  console.log("\n" + section);
  if (S.WRITE) S.log(`wrote ${replaceDocSection(ROOT, "Usage reports on PostgreSQL", section)}`);
  else S.log("smaller data set: docs/benchmarks.md left alone (pass --write to write anyway)");
}

type Timed = Awaited<ReturnType<typeof measureAsync>>;

function render(
  S: Shared,
  o: {
    version: string;
    measured: Row[];
    hourly: number;
    bytes: number;
    ledgerS: number;
    hourlyS: number;
    vacuumS: number;
    rec: Timed;
    startEnd: Timed;
    progress: Timed;
    burst: { ms: number; counted: number };
    otherLoad: number;
    runS: number;
    now: number;
  },
) {
  const { f, n } = S;
  const L = ["## Usage reports on PostgreSQL", ""];
  L.push(
    `Generated by \`npm run bench:usage -- --postgres\` (bench/usage-postgres.ts) on ${new Date(o.now)
      .toISOString()
      .slice(0, 16)
      .replace(
        "T",
        " ",
      )} UTC. Machine: ${S.machine()}. PostgreSQL ${o.version} on the same machine (scripts/postgres.mjs's ` +
      "throw-away server: fsync, synchronous_commit and full_page_writes off, default memory settings), reached over TCP on " +
      `127.0.0.1 through the app's postgres.js pool. Run took ${o.runS.toFixed(0)} s. Other processes on this shared machine ` +
      `used ${(o.otherLoad * 100).toFixed(0)}% of its CPU (all cores) during the query runs.`,
    "",
  );
  L.push(
    `- Data: the SQLite run's data set (same generator and seed): ${n(S.ROWS)} ledger rows for one user, 90 days, ` +
      `3 keys + chat, 6 models. Loaded by COPY … FROM STDIN (${o.ledgerS.toFixed(1)} s), \`usage_hourly\` by the same ` +
      `INSERT … SELECT … GROUP BY (${o.hourlyS.toFixed(1)} s): ${n(o.hourly)} hourly rows; then VACUUM ANALYZE ` +
      `(${o.vacuumS.toFixed(1)} s), as autovacuum would do in the app. Database ${(o.bytes / 2 ** 20).toFixed(0)} MiB.`,
  );
  L.push(
    "- Queries: the app's functions, the same calls and timing rule as the SQLite section above; wall time includes " +
      "the round trip to the server. Node CPU is this process's own; server CPU is the mean per call of the CPU time of the " +
      "server's backends for this database (/proc ticks of 10 ms over the whole case, warm-up included), which other " +
      "processes on a busy machine do not inflate.",
    "",
  );
  L.push(
    "| query | scope | range | reads | result rows | calls | p50 | p95 | max | Node CPU p50 | server CPU mean | target < 50 ms (p95) |",
  );
  L.push("|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|");
  for (const r of o.measured) {
    L.push(
      `| ${r.query} | ${r.scope} | ${r.range} | ${r.read} | ${r.result} | ${r.wall.n} | ${f(r.wall.p50)} | ${f(r.wall.p95)} | ` +
        `${f(r.wall.max)} | ${f(r.cpu.p50)} | ${r.serverCpuMs == null ? "–" : f(r.serverCpuMs)} | ` +
        `${
          r.wall.p95 < S.TARGET_MS
            ? "met"
            : r.serverCpuMs != null && r.serverCpuMs + r.cpu.p50 < S.TARGET_MS
              ? "**not met** on wall-clock; met on CPU (machine busy)"
              : "**not met**"
        } |`,
    );
  }
  const us = (v: number) => (v * 1000).toFixed(0);
  L.push(
    "",
    "| ledger write (one call at a time) | calls | p50 µs | p95 µs | max µs | CPU mean µs |",
    "|---|---:|---:|---:|---:|---:|",
  );
  for (const [label, m] of [
    ["recordUsage (one statement: ledger + hourly upsert + key)", o.rec],
    ["startUsage + completeUsage (two statements)", o.startEnd],
    ["usageProgress", o.progress],
  ] as const) {
    L.push(
      `| ${label} | ${n(m.wall.n)} | ${us(m.wall.p50)} | ${us(m.wall.p95)} | ${us(m.wall.max)} | ${us(m.cpu.mean)} |`,
    );
  }
  L.push(
    "",
    `2,000 recordUsage calls at once into the current hour's 24 buckets (the pool's 10 connections): ${o.burst.ms.toFixed(0)} ms, ` +
      `${n(o.burst.counted)} requests added to the roll-up (${o.burst.counted === 2000 ? "none lost" : "**some lost**"}).`,
  );
  const worst = [...o.measured].sort((a, b) => b.wall.p95 - a.wall.p95)[0];
  const missed = o.measured.filter((r) => r.wall.p95 >= S.TARGET_MS);
  const cpuOf = (r: Row) => (r.serverCpuMs ?? NaN) + r.cpu.p50;
  const worstCpu = [...o.measured].sort((a, b) => cpuOf(b) - cpuOf(a))[0];
  L.push(
    "",
    `Target (every report < ${S.TARGET_MS} ms with ${n(S.ROWS)} ledger rows): ${
      missed.length ? `**not met** on wall-clock ` + `p95 (${missed.length} of ${o.measured.length})` : "met"
    }; worst p95 ${worst.query}, ${worst.scope}, ${worst.range}: ` +
      `${f(worst.wall.p95)} ms. Most CPU per call (server mean + Node p50): ${worstCpu.query}, ${worstCpu.scope}, ` +
      `${worstCpu.range}: ${f(cpuOf(worstCpu))} ms.`,
  );
  if (missed.length) {
    L.push(
      "",
      `Where the time goes: ${
        missed.every((r) => cpuOf(r) < S.TARGET_MS)
          ? `the misses are waiting, not work: ` +
            `every missed case costs under ${S.TARGET_MS} ms of CPU (server + Node) per call, and other processes used ` +
            `${(o.otherLoad * 100).toFixed(0)}% of the machine, so the server's backend and this process queued for a core.`
          : "some cases cost more CPU than the target: see the server CPU column (the server reads every hourly row of the " +
            "range; the roll-up grows with hours × buckets, not with ledger rows)."
      }`,
    );
  }
  return L.join("\n") + "\n";
}
