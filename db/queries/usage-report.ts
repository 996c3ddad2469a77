import { desc, eq, sql } from "drizzle-orm";
import { getDb } from "@/db";
import { apiKeys, usage } from "@/db/tables";
import { MODELS } from "@/lib/models";
import { FAILED_SQL, USAGE_IN_PROGRESS } from "./usage";

/** Usage figures for the charts, aggregated in SQL from the hourly roll-up. */

const DAY = 86_400_000;

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

/** null = everyone (admins). */
type Scope = string | null;

export interface DailyRow {
  day: string;
  model: string;
  tokens: number;
  requests: number;
}

const HOUR = 3_600_000;

/** What the charts call every model name that is not one of ours: `gpt-4o` sent to /v1 and refused (404). */
export const UNKNOWN_MODEL = "unknown model";
const KNOWN = new Set(MODELS.map((m) => m.id));
const shown = <T extends { model: string }>(r: T): T => (KNOWN.has(r.model) ? r : { ...r, model: UNKNOWN_MODEL });

const scopeSql = (scope: Scope) => (scope ? sql`user_id = ${scope} and` : sql``);

/**
 * Roll-up buckets are UTC hours. With a whole-hour offset every local day is made of whole buckets. With a
 * :30 or :45 offset (India, Nepal, Adelaide…) the bucket holding each local midnight is split between two
 * days, so those few hours are read from the ledger itself and the rest from the roll-up.
 */
function split(range: ReportRange) {
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
  const hourly = sql`hour >= ${whole.from} and hour < ${whole.to}${skip.length
    ? sql` and hour not in (${sql.join(skip.map((h) => sql`${h}`), sql`, `)})` : sql``}`;
  return { hourly, raw: raw.filter(([a, b]) => b > a) };
}

/**
 * The same aggregate over the ledger rows of the split hours, one interval at a time (an index range each).
 * Rows still in progress are left out, as the roll-up only learns of a request when it ends; errors are
 * counted by `FAILED_SQL`, the roll-up's own rule.
 */
function fromLedger<T>(scope: Scope, intervals: [number, number][], select: ReturnType<typeof sql>, groupBy: ReturnType<typeof sql>): T[] {
  const out: T[] = [];
  for (const [a, b] of intervals) {
    out.push(...getDb().all<T>(sql`select ${select} from usage
      where ${scope ? sql`user_id = ${scope}` : sql`user_id is not null`} and created_at >= ${a} and created_at < ${b}
        and status <> ${USAGE_IN_PROGRESS}
      group by ${groupBy}`));
  }
  return out;
}

/** Adds rows into a map by key, summing the numeric fields. */
function merge<T extends object>(rows: T[], key: (r: T) => string, into = new Map<string, T>()) {
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

/**
 * Tokens and requests per local day and model. Summed per hour first, in the order of a covering index
 * (no sort), then the ~24 hours of each day are folded into local days.
 */
export function dailyUsage(scope: Scope, range: ReportRange): DailyRow[] {
  const offset = range.offsetMinutes * 60_000;
  const parts = split(range);
  const rows = getDb().all<DailyRow>(sql`
    select date((hour + ${offset}) / 1000, 'unixepoch') as day, model, sum(t) as tokens, sum(r) as requests
    from (select hour, model, sum(requests) as r, sum(prompt_tokens + completion_tokens) as t
          from usage_hourly indexed by ${sql.raw(scope ? "usage_hourly_user_day_idx" : "usage_hourly_day_idx")}
          where ${scopeSql(scope)} ${parts.hourly}
          group by hour, model)
    group by day, model order by day, model`);
  const day = sql`date((created_at + ${offset}) / 1000, 'unixepoch')`;
  const extra = fromLedger<DailyRow>(scope, parts.raw,
    sql`${day} as day, model, sum(prompt_tokens + completion_tokens) as tokens, count(*) as requests`, sql`1, 2`);
  const key = (r: DailyRow) => `${r.day}|${r.model}`;
  return [...merge(extra.map(shown), key, merge(rows.map(shown), key)).values()]
    .sort((a, b) => a.day.localeCompare(b.day) || a.model.localeCompare(b.model));
}

export interface ModelRow {
  model: string;
  requests: number;
  tokens: number;
  errors: number;
  /** Mean time to first token in ms, null when no request produced a token. */
  ttftMs: number | null;
}

type ModelSums = Omit<ModelRow, "ttftMs"> & { ttftSum: number; ttftCount: number };

export function usageByModel(scope: Scope, range: ReportRange): ModelRow[] {
  const parts = split(range);
  const rows = getDb().all<ModelSums>(sql`
    select model, sum(requests) as requests, sum(prompt_tokens + completion_tokens) as tokens, sum(errors) as errors,
      sum(ttft_sum) as ttftSum, sum(ttft_count) as ttftCount
    from usage_hourly indexed by ${sql.raw(scope ? "usage_hourly_user_model_idx" : "usage_hourly_model_idx")}
    where ${scopeSql(scope)} ${parts.hourly}
    group by model`);
  const extra = fromLedger<ModelSums>(scope, parts.raw, sql`model, count(*) as requests,
    sum(prompt_tokens + completion_tokens) as tokens, sum(${sql.raw(FAILED_SQL)}) as errors, coalesce(sum(ttft_ms), 0) as ttftSum,
    count(ttft_ms) as ttftCount`, sql`model`);
  return [...merge(extra.map(shown), (r) => r.model, merge(rows.map(shown), (r) => r.model)).values()]
    .map(({ ttftSum, ttftCount, ...r }) => ({ ...r, ttftMs: ttftCount ? ttftSum / ttftCount : null }))
    .sort((a, b) => b.requests - a.requests);
}

export interface KeyRow {
  source: "api" | "chat";
  keyId: string;
  keyName: string | null;
  keyPrefix: string | null;
  requests: number;
  tokens: number;
}

/** Grouped first, then joined to the few keys, not to every hourly row. */
export function usageByKey(scope: Scope, range: ReportRange): KeyRow[] {
  const parts = split(range);
  const rows = getDb().all<KeyRow>(sql`
    select g.source, g.keyId, k.name as keyName, k.prefix as keyPrefix, g.requests, g.tokens
    from (select source, api_key_id as keyId, sum(requests) as requests, sum(prompt_tokens + completion_tokens) as tokens
          from usage_hourly indexed by ${sql.raw(scope ? "usage_hourly_user_key_idx" : "usage_hourly_key_idx")}
          where ${scopeSql(scope)} ${parts.hourly}
          group by source, api_key_id) g
    left join api_keys k on k.id = g.keyId
    order by g.requests desc`);
  if (!parts.raw.length) return rows;
  const extra = fromLedger<KeyRow>(scope, parts.raw, sql`source, coalesce(api_key_id, '') as keyId,
    (select name from api_keys where id = api_key_id) as keyName, (select prefix from api_keys where id = api_key_id) as keyPrefix,
    count(*) as requests, sum(prompt_tokens + completion_tokens) as tokens`, sql`source, api_key_id`);
  return [...merge(extra, (r) => `${r.source}|${r.keyId}`, merge(rows, (r) => `${r.source}|${r.keyId}`)).values()]
    .sort((a, b) => b.requests - a.requests);
}

export interface RecentRow {
  id: number;
  createdAt: number;
  source: "api" | "chat";
  keyName: string | null;
  model: string;
  tokens: number;
  durationMs: number;
  ttftMs: number | null;
  status: number;
}

/** The latest requests, newest first; `hasMore` tells whether another page exists. */
export function recentRequests(scope: Scope, page: number, size: number): { rows: RecentRow[]; hasMore: boolean } {
  const rows = getDb().select({
    id: usage.id, createdAt: usage.createdAt, source: usage.source, keyName: apiKeys.name, model: usage.model,
    tokens: sql<number>`${usage.promptTokens} + ${usage.completionTokens}`, durationMs: usage.durationMs,
    ttftMs: usage.ttftMs, status: usage.status,
  }).from(usage).leftJoin(apiKeys, eq(apiKeys.id, usage.apiKeyId))
    .where(scope ? eq(usage.userId, scope) : undefined)
    .orderBy(desc(usage.createdAt), desc(usage.id)).limit(size + 1).offset(page * size).all();
  return { rows: rows.slice(0, size), hasMore: rows.length > size };
}
