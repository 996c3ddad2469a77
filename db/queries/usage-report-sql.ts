import "server-only";
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db";
import { engine } from "@/db/engine";
import { HOUR, USAGE_IN_PROGRESS } from "./usage-rules";

/** The pieces every usage report is built from (./usage-report.ts, ./usage-by-person.ts): range, scope, SQL. */

export const DAY = 86_400_000;

export interface ReportRange {
  /** Inclusive start and exclusive end, in ms; both on local midnights. */
  from: number;
  to: number;
  /** The viewer's offset east of UTC in minutes (Beijing +480), so days break at their midnight. */
  offsetMinutes: number;
  /** Every local day in the range, "YYYY-MM-DD", oldest first. */
  days: string[];
}

/** The last `days` local calendar days, today included. */
export function lastDays(days: number, offsetMinutes: number, now = Date.now()): ReportRange {
  const offset = offsetMinutes * 60_000;
  const todayLocal = Math.floor((now + offset) / DAY) * DAY;
  const fromLocal = todayLocal - (days - 1) * DAY;
  return {
    from: fromLocal - offset,
    to: todayLocal + DAY - offset,
    offsetMinutes,
    days: Array.from({ length: days }, (_, i) => new Date(fromLocal + i * DAY).toISOString().slice(0, 10)),
  };
}

/** null = everyone (the admin versions). */
export type Scope = string | null;

export const scopeSql = (scope: Scope) => (scope ? sql`user_id = ${scope} and` : sql``);
/** SQLite picks a worse index for some reports unless told; one covering index per report and scope. */
export const hint = (scope: Scope, mine: string, everyone: string) => engine().indexHint(scope ? mine : everyone);

/**
 * Roll-up buckets are UTC hours. With a whole-hour offset every local day is made of whole buckets. With a
 * :30 or :45 offset (India, Nepal, Adelaide…) the bucket holding each local midnight is split between two
 * days, so those few hours are read from the ledger itself and the rest from the roll-up.
 */
export function split(range: ReportRange) {
  const aligned = (range.offsetMinutes * 60_000) % HOUR === 0;
  const whole = aligned
    ? { from: range.from, to: range.to }
    : { from: Math.ceil(range.from / HOUR) * HOUR, to: Math.floor(range.to / HOUR) * HOUR };
  const raw: [number, number][] = [];
  if (!aligned) {
    for (let midnight = range.from; midnight <= range.to; midnight += DAY) {
      const start = Math.floor(midnight / HOUR) * HOUR;
      raw.push([Math.max(start, range.from), Math.min(start + HOUR, range.to)]);
    }
  }
  /** Roll-up rows to skip: the split buckets inside the whole-bucket span. */
  const skip = raw.map(([a]) => Math.floor(a / HOUR) * HOUR).filter((h) => h >= whole.from && h < whole.to);
  const hourly = sql`hour >= ${whole.from} and hour < ${whole.to}${
    skip.length
      ? sql` and hour not in (${sql.join(
          skip.map((h) => sql`${h}`),
          sql`, `,
        )})`
      : sql``
  }`;
  return { hourly, raw: raw.filter(([a, b]) => b > a) };
}

/**
 * The same aggregate over the ledger rows of the split hours, one interval at a time (an index range each).
 * Rows still in progress are left out, as the roll-up only learns of a request when it ends; errors are
 * counted by `FAILED_SQL`, the roll-up's own rule.
 */
export async function fromLedger<T>(
  db: Db,
  scope: Scope,
  intervals: [number, number][],
  select: SQL,
  groupBy: SQL,
): Promise<T[]> {
  const out: T[] = [];
  for (const [a, b] of intervals) {
    out.push(
      ...(await engine().rows<T>(
        db,
        sql`select ${select} from usage
      where ${scope ? sql`user_id = ${scope}` : sql`user_id is not null`} and created_at >= ${a} and created_at < ${b}
        and status <> ${USAGE_IN_PROGRESS}
      group by ${groupBy}`,
      )),
    );
  }
  return out;
}

/** Adds rows into a map by key, summing the numeric fields. */
export function merge<T extends object>(rows: T[], key: (r: T) => string, into = new Map<string, T>()) {
  for (const r of rows) {
    const prev = into.get(key(r)) as Record<string, unknown> | undefined;
    if (!prev) {
      into.set(key(r), { ...r });
      continue;
    }
    for (const [k, v] of Object.entries(r)) {
      if (typeof v === "number") prev[k] = ((prev[k] as number | null) ?? 0) + v;
    }
  }
  return into;
}
