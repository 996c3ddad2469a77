import "server-only";
import { desc, eq, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { engine } from "@/db/engine";
import { apiKeys, usage, users } from "@/db/tables";
import { settleLedger } from "./usage";
import { FAILED_SQL } from "./usage-rules";
import { DAY, fromLedger, hint, merge, type ReportRange, type Scope, scopeSql, split } from "./usage-report-sql";

export { lastDays, type ReportRange } from "./usage-report-sql";
export { usageByPersonAsAdmin, type PersonRow } from "./usage-by-person";

/**
 * Usage figures for the charts, aggregated in SQL from the hourly roll-up, the same SQL on both engines:
 * aliases quoted (PostgreSQL folds unquoted ones to lower case), SQLite's index hints through
 * engine().indexHint (nothing on PostgreSQL, whose planner needs none), local days as integer day numbers.
 * Each report has a user's version (the owner in the WHERE) and an admin version over everyone, named so.
 */

/**
 * What every report takes besides its owner: the range, and the model names the app knows (the caller's
 * list, lib/models: db/ imports nothing from lib/). Any other name a client sent is charted as UNKNOWN_MODEL.
 */
export interface ReportOptions {
  range: ReportRange;
  knownModels: readonly string[];
}

export interface DailyRow {
  day: string;
  model: string;
  tokens: number;
  requests: number;
}

/** What the charts call every model name that is not one of ours: `gpt-4o` sent to /v1 and refused (404). */
export const UNKNOWN_MODEL = "unknown model";

function shownAs(knownModels: readonly string[]) {
  const known = new Set(knownModels);
  return <T extends { model: string }>(r: T): T => (known.has(r.model) ? r : { ...r, model: UNKNOWN_MODEL });
}

/** The local day ("YYYY-MM-DD") of a day number, (ms + offset) / DAY. */
const dayLabel = (n: number) => new Date(n * DAY).toISOString().slice(0, 10);

/**
 * Tokens and requests per local day and model. The day is a number, (ms + offset) / DAY in integer arithmetic
 * (the same on both engines, and cheaper than formatting a date per row), labelled here. SQLite has no hash
 * aggregate: it sums per hour and model first, in the order of a covering index (no sorter), then folds the
 * ~24 hours of each day. PostgreSQL hashes, and one pass straight into days is cheapest there: grouping per
 * hour first would hash ~13,000 groups for a 90-day range to fold them again.
 */
async function daily(db: Db, scope: Scope, { range, knownModels }: ReportOptions): Promise<DailyRow[]> {
  settleLedger(db);
  const offset = sql.raw(String(Math.trunc(range.offsetMinutes) * 60_000));
  const parts = split(range);
  const shown = shownAs(knownModels);
  const perHour =
    engine().name === "sqlite"
      ? sql`select hour, model, sum(requests) as r, sum(prompt_tokens + completion_tokens) as t`
      : sql`select hour, model, requests as r, prompt_tokens + completion_tokens as t`;
  const grouped = await engine().rows<Omit<DailyRow, "day"> & { dayNumber: number }>(
    db,
    sql`
    select (hour + ${offset}) / ${sql.raw(String(DAY))} as "dayNumber", model, sum(t) as tokens, sum(r) as requests
    from (${perHour}
          from usage_hourly${hint(scope, "usage_hourly_user_day_idx", "usage_hourly_day_idx")}
          where ${scopeSql(scope)} ${parts.hourly}
          ${engine().name === "sqlite" ? sql`group by hour, model` : sql``}) per_hour
    group by 1, model`,
  );
  const extra = await fromLedger<Omit<DailyRow, "day"> & { dayNumber: number }>(
    db,
    scope,
    parts.raw,
    sql`(created_at + ${offset}) / ${sql.raw(String(DAY))} as "dayNumber", model,
    sum(prompt_tokens + completion_tokens) as tokens, count(*) as requests`,
    sql`1, 2`,
  );
  // Labelled before merging: merge() sums every numeric field.
  const labelled = (rows: (Omit<DailyRow, "day"> & { dayNumber: number })[]): DailyRow[] =>
    rows.map(({ dayNumber, ...r }) => shown({ day: dayLabel(dayNumber), ...r }));
  const key = (r: DailyRow) => `${r.day}|${r.model}`;
  return [...merge(labelled(extra), key, merge(labelled(grouped), key)).values()].sort(
    (a, b) => a.day.localeCompare(b.day) || a.model.localeCompare(b.model),
  );
}

/** The user's tokens and requests per local day and model. */
export const dailyUsage = (db: Db, { userId, ...o }: ReportOptions & { userId: string }) => daily(db, userId, o);
/** Everyone's, for admins (the caller checks). */
export const dailyUsageAsAdmin = (db: Db, o: ReportOptions) => daily(db, null, o);

export interface ModelRow {
  model: string;
  requests: number;
  tokens: number;
  errors: number;
  /** Mean time to first token in ms, null when no request produced a token. */
  ttftMs: number | null;
}

type ModelSums = Omit<ModelRow, "ttftMs"> & { ttftSum: number; ttftCount: number };

async function byModel(db: Db, scope: Scope, { range, knownModels }: ReportOptions): Promise<ModelRow[]> {
  settleLedger(db);
  const parts = split(range);
  const shown = shownAs(knownModels);
  const rows = await engine().rows<ModelSums>(
    db,
    sql`
    select model, sum(requests) as requests, sum(prompt_tokens + completion_tokens) as tokens, sum(errors) as errors,
      sum(ttft_sum) as "ttftSum", sum(ttft_count) as "ttftCount"
    from usage_hourly${hint(scope, "usage_hourly_user_model_idx", "usage_hourly_model_idx")}
    where ${scopeSql(scope)} ${parts.hourly}
    group by model`,
  );
  const extra = await fromLedger<ModelSums>(
    db,
    scope,
    parts.raw,
    sql`model, count(*) as requests,
    sum(prompt_tokens + completion_tokens) as tokens, sum(${FAILED_SQL}) as errors,
    coalesce(sum(ttft_ms), 0) as "ttftSum", count(ttft_ms) as "ttftCount"`,
    sql`model`,
  );
  return [
    ...merge(
      extra.map(shown),
      (r) => r.model,
      merge(rows.map(shown), (r) => r.model),
    ).values(),
  ]
    .map(({ ttftSum, ttftCount, ...r }) => ({ ...r, ttftMs: ttftCount ? ttftSum / ttftCount : null }))
    .sort((a, b) => b.requests - a.requests || a.model.localeCompare(b.model));
}

/** The user's requests, tokens, errors and mean TTFT per model, most requested first. */
export const usageByModel = (db: Db, { userId, ...o }: ReportOptions & { userId: string }) => byModel(db, userId, o);
export const usageByModelAsAdmin = (db: Db, o: ReportOptions) => byModel(db, null, o);

export interface KeyRow {
  source: "api" | "chat";
  keyId: string;
  keyName: string | null;
  keyPrefix: string | null;
  requests: number;
  tokens: number;
}

/** Grouped first, then joined to the few keys, not to every hourly row. */
async function byKey(db: Db, scope: Scope, { range }: Pick<ReportOptions, "range">): Promise<KeyRow[]> {
  settleLedger(db);
  const parts = split(range);
  const rows = await engine().rows<KeyRow>(
    db,
    sql`
    select g.source, g."keyId", k.name as "keyName", k.prefix as "keyPrefix", g.requests, g.tokens
    from (select source, api_key_id as "keyId", sum(requests) as requests, sum(prompt_tokens + completion_tokens) as tokens
          from usage_hourly${hint(scope, "usage_hourly_user_key_idx", "usage_hourly_key_idx")}
          where ${scopeSql(scope)} ${parts.hourly}
          group by source, api_key_id) g
    left join api_keys k on k.id = g."keyId"
    order by g.requests desc, g.source, g."keyId"`,
  );
  // A plain array: postgres.js hands back its own Array subclass, which the action would serialise alike but
  // tests compare strictly.
  if (!parts.raw.length) return Array.from(rows);
  const extra = await fromLedger<KeyRow>(
    db,
    scope,
    parts.raw,
    sql`source, coalesce(api_key_id, '') as "keyId",
    (select name from api_keys where id = api_key_id) as "keyName",
    (select prefix from api_keys where id = api_key_id) as "keyPrefix",
    count(*) as requests, sum(prompt_tokens + completion_tokens) as tokens`,
    sql`source, api_key_id`,
  );
  return [
    ...merge(
      extra,
      (r) => `${r.source}|${r.keyId}`,
      merge(rows, (r) => `${r.source}|${r.keyId}`),
    ).values(),
  ].sort((a, b) => b.requests - a.requests || a.source.localeCompare(b.source) || a.keyId.localeCompare(b.keyId));
}

/** The user's requests and tokens per door: the chat UI apart from each API key. */
export const usageByKey = (db: Db, { userId, range }: Pick<ReportOptions, "range"> & { userId: string }) =>
  byKey(db, userId, { range });
export const usageByKeyAsAdmin = (db: Db, { range }: Pick<ReportOptions, "range">) => byKey(db, null, { range });

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
  /** Whose request it was: only in the admin version, over everyone. */
  email?: string | null;
}

export interface RecentPage {
  page: number;
  size: number;
}

/** The latest requests, newest first; `hasMore` tells whether another page exists. */
async function recent(
  db: Db,
  scope: Scope,
  { page, size }: RecentPage,
): Promise<{ rows: RecentRow[]; hasMore: boolean }> {
  settleLedger(db);
  const fields = {
    id: usage.id,
    createdAt: usage.createdAt,
    source: usage.source,
    keyName: apiKeys.name,
    model: usage.model,
    tokens: sql<number>`${usage.promptTokens} + ${usage.completionTokens}`,
    durationMs: usage.durationMs,
    ttftMs: usage.ttftMs,
    status: usage.status,
  };
  // Everyone's rows say whose they are; a user's own need no join.
  const query = scope
    ? db.select(fields).from(usage).leftJoin(apiKeys, eq(apiKeys.id, usage.apiKeyId)).where(eq(usage.userId, scope))
    : db
        .select({ ...fields, email: users.email })
        .from(usage)
        .leftJoin(apiKeys, eq(apiKeys.id, usage.apiKeyId))
        .leftJoin(users, eq(users.id, usage.userId));
  const rows = await query
    .orderBy(desc(usage.createdAt), desc(usage.id))
    .limit(size + 1)
    .offset(page * size);
  return { rows: rows.slice(0, size), hasMore: rows.length > size };
}

export const recentRequests = (db: Db, { userId, ...p }: RecentPage & { userId: string }) => recent(db, userId, p);
export const recentRequestsAsAdmin = (db: Db, p: RecentPage) => recent(db, null, p);
