/**
 * The usage ledger on PostgreSQL. Each write is ONE statement whose parts are data-modifying CTEs: a single
 * statement is atomic on its own (one implicit transaction), and it costs one round trip where
 * BEGIN … COMMIT around three statements would cost five, on a path that runs for every request.
 * postgres.js prepares each distinct text once per connection, so the few variants below stay prepared.
 * The roll-up upsert adds to the existing bucket row (`usage_hourly.requests + excluded.requests`), which
 * ON CONFLICT does under the row's lock: concurrent requests from many instances never lose a count.
 */
import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { pgText, rows } from "@/db/engines/postgres";
import {
  bucketOf,
  HOUR,
  isFailure,
  USAGE_IN_PROGRESS,
  USAGE_INTERRUPTED,
  type HourBucket,
  type LedgerRow,
  type LedgerStatements,
} from "@/db/queries/usage-rules";

/** The upsert's tail, the same for one bucket or many: sums add up, never overwrite. */
const ADD_TO_BUCKET = sql.raw(`on conflict (user_id, hour, api_key_id, source, model) do update set
  requests = usage_hourly.requests + excluded.requests, errors = usage_hourly.errors + excluded.errors,
  prompt_tokens = usage_hourly.prompt_tokens + excluded.prompt_tokens,
  completion_tokens = usage_hourly.completion_tokens + excluded.completion_tokens,
  ttft_sum = usage_hourly.ttft_sum + excluded.ttft_sum, ttft_count = usage_hourly.ttft_count + excluded.ttft_count`);

const HOURLY_COLUMNS = sql.raw(`usage_hourly (hour, user_id, api_key_id, source, model, requests, errors,
  prompt_tokens, completion_tokens, ttft_sum, ttft_count)`);

function insertRow(row: LedgerRow): SQL {
  // Model names and error codes can come from a client's JSON: PostgreSQL text cannot hold U+0000.
  return sql`insert into usage (created_at, user_id, api_key_id, source, model, stream, status, error_code,
    prompt_tokens, completion_tokens, ttft_ms, duration_ms)
    values (${row.createdAt}, ${row.userId}, ${row.apiKeyId}, ${row.source}, ${pgText(row.model)}, ${row.stream},
      ${row.status}, ${row.errorCode === null ? null : pgText(row.errorCode)}, ${row.promptTokens},
      ${row.completionTokens}, ${row.ttftMs}, ${row.durationMs})`;
}

function addBucket(b: HourBucket): SQL {
  return sql`insert into ${HOURLY_COLUMNS} values (${b.hour}, ${b.userId}, ${b.apiKeyId}, ${b.source}, ${pgText(b.model)},
    1, ${b.errors}, ${b.promptTokens}, ${b.completionTokens}, ${b.ttftSum}, ${b.ttftCount}) ${ADD_TO_BUCKET}`;
}

/**
 * The key's last use. Requests of one key finish out of order on several connections, so an older time
 * never overwrites a newer one.
 */
const touchKey = (row: LedgerRow) => sql`update api_keys set last_used_at = ${row.createdAt}
  where id = ${row.apiKeyId} and (last_used_at is null or last_used_at < ${row.createdAt})`;

export const postgresLedger: LedgerStatements = {
  async record(db, row) {
    const bucket = bucketOf(row, row);
    const parts = [sql`ledger as (${insertRow(row)})`];
    if (bucket) parts.push(sql`bucket as (${addBucket(bucket)})`);
    if (row.apiKeyId) parts.push(sql`key as (${touchKey(row)})`);
    await rows(db, sql`with ${sql.join(parts, sql`, `)} select 1`);
  },

  async start(db, row) {
    const key = row.apiKeyId ? sql`, key as (${touchKey(row)})` : sql``;
    const [{ id }] = await rows<{ id: number }>(
      db,
      sql`with ledger as (${insertRow(row)} returning id)${key}
      select id from ledger`,
    );
    return id;
  },

  async progress(db, { id, promptTokens, completionTokens, durationMs }) {
    await rows(
      db,
      sql`update usage set prompt_tokens = ${promptTokens}, completion_tokens = ${completionTokens},
      duration_ms = ${durationMs} where id = ${id} and status = ${USAGE_IN_PROGRESS}`,
    );
  },

  /**
   * Only a row still in progress is completed (a late second completion cannot count twice), and its bucket
   * is computed from the row the UPDATE returns, in the same statement.
   */
  async complete(db, id, outcome) {
    const o = {
      status: outcome.status,
      errorCode: outcome.errorCode == null ? null : pgText(outcome.errorCode),
      promptTokens: outcome.promptTokens ?? 0,
      completionTokens: outcome.completionTokens ?? 0,
      ttftMs: outcome.ttftMs ?? null,
      durationMs: outcome.durationMs,
    };
    const found = await rows<{ n: number }>(
      db,
      sql`with done as (
        update usage set status = ${o.status}, error_code = ${o.errorCode}, prompt_tokens = ${o.promptTokens},
          completion_tokens = ${o.completionTokens}, ttft_ms = ${o.ttftMs}, duration_ms = ${o.durationMs}
        where id = ${id} and status = ${USAGE_IN_PROGRESS}
        returning created_at, user_id, api_key_id, source, model),
      bucket as (insert into ${HOURLY_COLUMNS}
        select created_at / ${HOUR} * ${HOUR}, user_id, coalesce(api_key_id, ''), source, model, 1,
          ${isFailure(o) ? 1 : 0}::bigint, ${o.promptTokens}::bigint, ${o.completionTokens}::bigint,
          ${o.ttftMs ?? 0}::bigint, ${o.ttftMs == null ? 0 : 1}::bigint
        from done where user_id is not null
        ${ADD_TO_BUCKET})
      select count(*) as n from done`,
    );
    return found[0].n > 0;
  },

  /**
   * One statement for all of them; grouped per bucket first, since one INSERT … ON CONFLICT may not touch
   * the same bucket row twice.
   */
  async closeUnfinished(db, { lastProgressBefore }) {
    const stale = lastProgressBefore === undefined ? sql`` : sql` and created_at + duration_ms < ${lastProgressBefore}`;
    const errors = isFailure(USAGE_INTERRUPTED) ? 1 : 0;
    const [{ n }] = await rows<{ n: number }>(
      db,
      sql`with done as (
        update usage set status = ${USAGE_INTERRUPTED.status}, error_code = ${USAGE_INTERRUPTED.errorCode}
        where status = ${USAGE_IN_PROGRESS}${stale}
        returning created_at, user_id, api_key_id, source, model, prompt_tokens, completion_tokens, ttft_ms),
      bucket as (insert into ${HOURLY_COLUMNS}
        select created_at / ${HOUR} * ${HOUR}, user_id, coalesce(api_key_id, ''), source, model, count(*),
          count(*) * ${errors}::bigint, sum(prompt_tokens), sum(completion_tokens), coalesce(sum(ttft_ms), 0), count(ttft_ms)
        from done where user_id is not null
        group by 1, 2, 3, 4, 5
        ${ADD_TO_BUCKET})
      select count(*) as n from done`,
    );
    return n;
  },
};
