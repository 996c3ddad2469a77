import type Database from "better-sqlite3";
import { getSqlite } from "@/db";
import type { UsageRow } from "@/db/schema";

const HOUR = 3_600_000;

/**
 * Statements prepared once per connection: this runs for every request through the gateway, and building
 * the SQL through the query builder each time cost more than the write itself.
 */
const prepared = new WeakMap<Database.Database, (row: UsageRow) => void>();

function writerFor(sqlite: Database.Database) {
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
  return sqlite.transaction((row: UsageRow) => {
    const values = {
      createdAt: row.createdAt, userId: row.userId ?? null, apiKeyId: row.apiKeyId ?? null, source: row.source,
      model: row.model, stream: row.stream ? 1 : 0, status: row.status, errorCode: row.errorCode ?? null,
      promptTokens: row.promptTokens ?? 0, completionTokens: row.completionTokens ?? 0,
      ttftMs: row.ttftMs ?? null, durationMs: row.durationMs,
    };
    insert.run(values);
    if (row.userId) {
      rollup.run({ ...values, hour: Math.floor(row.createdAt / HOUR) * HOUR, apiKeyId: row.apiKeyId ?? "",
        errors: row.status >= 400 ? 1 : 0, ttftSum: row.ttftMs ?? 0, ttftCount: row.ttftMs == null ? 0 : 1 });
    }
    if (row.apiKeyId) touchKey.run(row.createdAt, row.apiKeyId);
  });
}

/** One ledger row per request, its hourly roll-up, and the key's last-used time, written together. */
export function recordUsage(row: UsageRow): void {
  try {
    const sqlite = getSqlite();
    let write = prepared.get(sqlite);
    if (!write) prepared.set(sqlite, (write = writerFor(sqlite)));
    write(row);
  } catch (err) {
    // Accounting must never break a reply that already reached the client.
    console.error("[usage] could not record a request", err);
  }
}
