import { and, desc, eq, gte, lt, sql, type SQL } from "drizzle-orm";
import { getDb } from "@/db";
import { apiKeys, usage, usageHourly } from "@/db/schema";

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

function where(scope: Scope, range: ReportRange): SQL | undefined {
  return and(gte(usageHourly.hour, range.from), lt(usageHourly.hour, range.to),
    scope ? eq(usageHourly.userId, scope) : undefined);
}

const localDay = (range: ReportRange) =>
  sql<string>`date((${usageHourly.hour} + ${range.offsetMinutes * 60_000}) / 1000, 'unixepoch')`;
const tokens = sql<number>`sum(${usageHourly.promptTokens} + ${usageHourly.completionTokens})`;

export interface DailyRow {
  day: string;
  model: string;
  tokens: number;
  requests: number;
}

export function dailyUsage(scope: Scope, range: ReportRange): DailyRow[] {
  const day = localDay(range);
  return getDb().select({ day, model: usageHourly.model, tokens, requests: sql<number>`sum(${usageHourly.requests})` })
    .from(usageHourly).where(where(scope, range)).groupBy(day, usageHourly.model).orderBy(day).all();
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
  return getDb().select({
    model: usageHourly.model,
    requests: sql<number>`sum(${usageHourly.requests})`,
    tokens,
    errors: sql<number>`sum(${usageHourly.errors})`,
    ttftMs: sql<number | null>`cast(sum(${usageHourly.ttftSum}) as real) / nullif(sum(${usageHourly.ttftCount}), 0)`,
  }).from(usageHourly).where(where(scope, range)).groupBy(usageHourly.model)
    .orderBy(desc(sql`sum(${usageHourly.requests})`)).all();
}

export interface KeyRow {
  source: "api" | "chat";
  keyId: string;
  keyName: string | null;
  keyPrefix: string | null;
  requests: number;
  tokens: number;
}

export function usageByKey(scope: Scope, range: ReportRange): KeyRow[] {
  return getDb().select({
    source: usageHourly.source, keyId: usageHourly.apiKeyId, keyName: apiKeys.name, keyPrefix: apiKeys.prefix,
    requests: sql<number>`sum(${usageHourly.requests})`, tokens,
  }).from(usageHourly).leftJoin(apiKeys, eq(apiKeys.id, usageHourly.apiKeyId))
    .where(where(scope, range)).groupBy(usageHourly.source, usageHourly.apiKeyId)
    .orderBy(desc(sql`sum(${usageHourly.requests})`)).all();
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
