import "server-only";
import { desc, eq, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db";
import { engine } from "@/db/engine";
import { apiKeys, usage } from "@/db/tables";
import { settleLedger } from "./usage";
import { FAILED_SQL, HOUR, USAGE_IN_PROGRESS } from "./usage-rules";

/**
 * Usage figures for the charts, aggregated in SQL from the hourly roll-up, the same SQL on both engines:
 * aliases quoted (PostgreSQL folds unquoted ones to lower case), SQLite's index hints through
 * engine().indexHint (nothing on PostgreSQL, whose planner needs none), local days as integer day numbers.
 * Each report has a user's version (the owner in the WHERE) and an admin version over everyone, named so.
 */

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

/** null = everyone (the admin versions). */
type Scope = string | null;

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

const scopeSql = (scope: Scope) => (scope ? sql`user_id = ${scope} and` : sql``);
/** SQLite picks a worse index for some reports unless told; one covering index per report and scope. */
const hint = (scope: Scope, mine: string, everyone: string) => engine().indexHint(scope ? mine : everyone);

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
async function fromLedger<T>(
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
  const rows = await db
    .select({
      id: usage.id,
      createdAt: usage.createdAt,
      source: usage.source,
      keyName: apiKeys.name,
      model: usage.model,
      tokens: sql<number>`${usage.promptTokens} + ${usage.completionTokens}`,
      durationMs: usage.durationMs,
      ttftMs: usage.ttftMs,
      status: usage.status,
    })
    .from(usage)
    .leftJoin(apiKeys, eq(apiKeys.id, usage.apiKeyId))
    .where(scope ? eq(usage.userId, scope) : undefined)
    .orderBy(desc(usage.createdAt), desc(usage.id))
    .limit(size + 1)
    .offset(page * size);
  return { rows: rows.slice(0, size), hasMore: rows.length > size };
}

export const recentRequests = (db: Db, { userId, ...p }: RecentPage & { userId: string }) => recent(db, userId, p);
export const recentRequestsAsAdmin = (db: Db, p: RecentPage) => recent(db, null, p);
