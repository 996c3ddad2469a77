/**
 * The report calls both engines time: every report of db/queries/usage-report.ts for the user's scope and
 * the admin scope, 7/30/90 days, and two pages of recent requests, in-process on one warm connection.
 */
import type { Db } from "@/db";
import { ms } from "../lib/load";
import { timeCallsAsync, type Stats } from "../support";
import { KNOWN_MODELS, log, OFFSET } from "./data";

type Reports = typeof import("@/db/queries/usage-report");

export interface Row {
  query: string;
  scope: string;
  range: string;
  read: string;
  result: number;
  wall: Stats;
  cpu: Stats;
  /** SQLite: EXPLAIN QUERY PLAN of the SQL the app ran. */
  plan: string[];
  sql: string;
  /** PostgreSQL: the server's CPU per call (its backends' ticks over the case, warm-up included), ms. */
  serverCpuMs?: number | null;
}

/** Wall and CPU statistics of timed calls, as kept in the results (without the last call's result). */
export interface Timed {
  wall: Stats;
  cpu: Stats;
}
export const timed = ({ wall, cpu }: Timed): Timed => ({ wall, cpu });

/** timeCallsAsync's default warm-up calls. */
const WARM = 20;

/**
 * Each case timed by timeCallsAsync (20 warm-up calls, then up to 300 calls or 4 s). `describe` adds what
 * the engine can tell about the query just measured; `calls` is how many it ran, warm-up included.
 */
export async function measureReports(
  R: Reports,
  db: Db,
  user: string,
  now: number,
  describe: (
    query: string,
    scope: string | null,
    range: { from: number; to: number } | undefined,
    calls: number,
  ) => Promise<Partial<Row>> | Partial<Row>,
) {
  const rows: Row[] = [];
  for (const [scopeName, scope] of [
    ["user", user],
    ["admin (null)", null],
  ] as const) {
    for (const days of [7, 30, 90]) {
      const range = R.lastDays(days, OFFSET, now);
      const o = { range, knownModels: KNOWN_MODELS };
      const calls = scope
        ? ([
            ["dailyUsage", () => R.dailyUsage(db, { ...o, userId: scope })],
            ["usageByModel", () => R.usageByModel(db, { ...o, userId: scope })],
            ["usageByKey", () => R.usageByKey(db, { ...o, userId: scope })],
          ] as const)
        : ([
            ["dailyUsage", () => R.dailyUsageAsAdmin(db, o)],
            ["usageByModel", () => R.usageByModelAsAdmin(db, o)],
            ["usageByKey", () => R.usageByKeyAsAdmin(db, o)],
          ] as const);
      for (const [name, fn] of calls) {
        const m = await timeCallsAsync<unknown[]>(fn);
        rows.push({
          query: name,
          scope: scopeName,
          range: `${days} days`,
          read: "",
          result: m.result.length,
          wall: m.wall,
          cpu: m.cpu,
          plan: [],
          sql: "",
          ...(await describe(name, scope, range, WARM + m.wall.n)),
        });
        log(`${name} ${scopeName} ${days}d: p50 ${ms(m.wall.p50)} p95 ${ms(m.wall.p95)} ms (CPU p50 ${ms(m.cpu.p50)})`);
      }
    }
    for (const page of [0, 50]) {
      const m = await timeCallsAsync(() =>
        scope
          ? R.recentRequests(db, { userId: scope, page, size: 25 })
          : R.recentRequestsAsAdmin(db, { page, size: 25 }),
      );
      rows.push({
        query: `recentRequests page ${page}`,
        scope: scopeName,
        range: "–",
        read: `offset ${(page * 25).toLocaleString("en")}, 26 ledger rows`,
        result: m.result.rows.length,
        wall: m.wall,
        cpu: m.cpu,
        plan: [],
        sql: "",
        ...(await describe(`recentRequests page ${page}`, scope, undefined, WARM + m.wall.n)),
      });
      log(`recentRequests ${scopeName} page ${page}: p50 ${ms(m.wall.p50)} p95 ${ms(m.wall.p95)} ms`);
    }
  }
  return rows;
}
