import { desc, eq, sql } from "drizzle-orm";
import { getDb } from "@/db";
import { apiKeys, usage } from "@/db/schema";

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

const scopeSql = (scope: Scope) => (scope ? sql`user_id = ${scope} and` : sql``);

/**
 * Tokens and requests per local day and model. Summed per hour first, in the order of a covering index
 * (no sort), then the ~24 hours of each day are folded into local days.
 */
export function dailyUsage(scope: Scope, range: ReportRange): DailyRow[] {
  const offset = range.offsetMinutes * 60_000;
  return getDb().all<DailyRow>(sql`
    select date((hour + ${offset}) / 1000, 'unixepoch') as day, model, sum(t) as tokens, sum(r) as requests
    from (select hour, model, sum(requests) as r, sum(prompt_tokens + completion_tokens) as t
          from usage_hourly indexed by ${sql.raw(scope ? "usage_hourly_user_day_idx" : "usage_hourly_day_idx")}
          where ${scopeSql(scope)} hour >= ${range.from} and hour < ${range.to}
          group by hour, model)
    group by day, model order by day, model`);
}

export interface ModelRow {
  model: string;
  requests: number;
  tokens: number;
  errors: number;
  /** Mean time to first token in ms, null when no request produced a token. */
  ttftMs: number | null;
}

export function usageByModel(scope: Scope, range: ReportRange): ModelRow[] {
  return getDb().all<ModelRow>(sql`
    select model, sum(requests) as requests, sum(prompt_tokens + completion_tokens) as tokens, sum(errors) as errors,
      cast(sum(ttft_sum) as real) / nullif(sum(ttft_count), 0) as ttftMs
    from usage_hourly ${scope ? sql`indexed by usage_hourly_user_model_idx` : sql``}
    where ${scopeSql(scope)} hour >= ${range.from} and hour < ${range.to}
    group by model order by requests desc`);
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
  return getDb().all<KeyRow>(sql`
    select g.source, g.keyId, k.name as keyName, k.prefix as keyPrefix, g.requests, g.tokens
    from (select source, api_key_id as keyId, sum(requests) as requests, sum(prompt_tokens + completion_tokens) as tokens
          from usage_hourly ${scope ? sql`indexed by usage_hourly_user_key_idx` : sql``}
          where ${scopeSql(scope)} hour >= ${range.from} and hour < ${range.to}
          group by source, api_key_id) g
    left join api_keys k on k.id = g.keyId
    order by g.requests desc`);
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
