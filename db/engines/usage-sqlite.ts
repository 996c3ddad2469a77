/**
 * The usage ledger on SQLite: better-sqlite3 statements prepared once per connection. The ledger writes on
 * every gateway request and once a second per stream, and building the SQL through the query builder each
 * time cost more than the write itself. The functions are async only to share the PostgreSQL signatures: the
 * work runs synchronously inside the call, so a caller that does not await still has the row written.
 */
import "server-only";
import type Database from "better-sqlite3";
import type { Db } from "@/db";
import {
  bucketOf,
  USAGE_IN_PROGRESS,
  USAGE_INTERRUPTED,
  type HourBucket,
  type LedgerRow,
  type LedgerStatements,
  type UsageOutcome,
} from "@/db/queries/usage-rules";

const prepared = new WeakMap<Database.Database, ReturnType<typeof statementsFor>>();

function statementsFor(sqlite: Database.Database) {
  const insert = sqlite.prepare(`insert into usage (created_at, user_id, api_key_id, source, model, stream, status,
    error_code, prompt_tokens, completion_tokens, ttft_ms, duration_ms)
    values (@createdAt, @userId, @apiKeyId, @source, @model, @stream, @status, @errorCode, @promptTokens,
    @completionTokens, @ttftMs, @durationMs)`);
  const rollup = sqlite.prepare(`insert into usage_hourly (hour, user_id, api_key_id, source, model, requests, errors,
    prompt_tokens, completion_tokens, ttft_sum, ttft_count)
    values (@hour, @userId, @apiKeyId, @source, @model, 1, @errors, @promptTokens, @completionTokens, @ttftSum, @ttftCount)
    on conflict (user_id, hour, api_key_id, source, model) do update set
      requests = requests + 1, errors = errors + excluded.errors,
      prompt_tokens = prompt_tokens + excluded.prompt_tokens,
      completion_tokens = completion_tokens + excluded.completion_tokens,
      ttft_sum = ttft_sum + excluded.ttft_sum, ttft_count = ttft_count + excluded.ttft_count`);
  const touchKey = sqlite.prepare("update api_keys set last_used_at = ? where id = ?");
  // Only a row still in progress is completed, so a late second completion cannot count twice.
  const complete = sqlite.prepare(`update usage set status = @status, error_code = @errorCode,
    prompt_tokens = @promptTokens, completion_tokens = @completionTokens, ttft_ms = @ttftMs, duration_ms = @durationMs
    where id = @id and status = ${USAGE_IN_PROGRESS}
    returning created_at as createdAt, user_id as userId, api_key_id as apiKeyId, source, model`);
  const progress = sqlite.prepare(`update usage set prompt_tokens = ?, completion_tokens = ?, duration_ms = ?
    where id = ? and status = ${USAGE_IN_PROGRESS}`);
  const unfinished = sqlite.prepare(`select id, created_at as createdAt, prompt_tokens as promptTokens,
    completion_tokens as completionTokens, ttft_ms as ttftMs, duration_ms as durationMs
    from usage where status = ${USAGE_IN_PROGRESS}`);
  const stale = sqlite.prepare(`select id, created_at as createdAt, prompt_tokens as promptTokens,
    completion_tokens as completionTokens, ttft_ms as ttftMs, duration_ms as durationMs
    from usage where status = ${USAGE_IN_PROGRESS} and created_at + duration_ms < ?`);

  // better-sqlite3 binds no booleans.
  const values = (row: LedgerRow) => ({ ...row, stream: row.stream ? 1 : 0 });
  const addToRollup = (bucket: HourBucket | null) => {
    if (bucket) rollup.run(bucket);
  };
  const completeRow = (id: number, outcome: UsageOutcome): boolean => {
    const row = complete.get({
      id,
      status: outcome.status,
      errorCode: outcome.errorCode ?? null,
      promptTokens: outcome.promptTokens ?? 0,
      completionTokens: outcome.completionTokens ?? 0,
      ttftMs: outcome.ttftMs ?? null,
      durationMs: outcome.durationMs,
    }) as Parameters<typeof bucketOf>[0] | undefined;
    if (row) addToRollup(bucketOf(row, outcome));
    return !!row;
  };

  return {
    record: sqlite.transaction((row: LedgerRow) => {
      insert.run(values(row));
      addToRollup(bucketOf(row, row));
      if (row.apiKeyId) touchKey.run(row.createdAt, row.apiKeyId);
    }),
    start: sqlite.transaction((row: LedgerRow): number => {
      const id = Number(insert.run(values(row)).lastInsertRowid);
      if (row.apiKeyId) touchKey.run(row.createdAt, row.apiKeyId);
      return id;
    }),
    complete: sqlite.transaction(completeRow),
    progress,
    closeUnfinished: sqlite.transaction((lastProgressBefore?: number): number => {
      const rows = (
        lastProgressBefore === undefined ? unfinished.all() : stale.all(lastProgressBefore)
      ) as (UsageOutcome & { id: number })[];
      for (const r of rows) completeRow(r.id, { ...r, ...USAGE_INTERRUPTED });
      return rows.length;
    }),
  };
}

function statements(db: Db) {
  const sqlite = (db as unknown as { $client: Database.Database }).$client;
  let s = prepared.get(sqlite);
  if (!s) prepared.set(sqlite, (s = statementsFor(sqlite)));
  return s;
}

export const sqliteLedger: LedgerStatements = {
  async record(db, row) {
    statements(db).record(row);
  },
  async start(db, row) {
    return statements(db).start(row);
  },
  async progress(db, { id, promptTokens, completionTokens, durationMs }) {
    statements(db).progress.run(promptTokens, completionTokens, durationMs, id);
  },
  async complete(db, id, outcome) {
    return statements(db).complete(id, outcome);
  },
  async closeUnfinished(db, { lastProgressBefore }) {
    return statements(db).closeUnfinished(lastProgressBefore);
  },
};
