import type Database from "better-sqlite3";
import { getSqlite } from "@/db";
import type { UsageRow } from "@/db/schema";

const HOUR = 3_600_000;

/** `status` of a ledger row whose request is still running; replaced by the HTTP status when it ends. */
export const USAGE_IN_PROGRESS = 0;
/** What a request left running by a process that died is recorded as: our side failed it. */
export const USAGE_INTERRUPTED = { status: 500, errorCode: "interrupted" } as const;

/**
 * An error in the usage reports is something that went wrong on our side or the upstream's: a 5xx (upstream
 * failure or timeout, internal error, interrupted) or the upstream account out of credit. A client that
 * stopped a reply (499) or a request refused for its own input (400, 401, 404 unknown model, 429 limits)
 * is not one: a single Stop must not give a model a 10 % error rate. `FAILED_SQL` is the same rule for
 * reports that read ledger rows; keep the two together.
 */
export const isFailure = (o: { status: number; errorCode?: string | null }) =>
  o.status >= 500 || o.errorCode === "insufficient_quota";
export const FAILED_SQL = "(status >= 500 or coalesce(error_code, '') = 'insufficient_quota')";

type Outcome = Pick<UsageRow, "status" | "errorCode" | "promptTokens" | "completionTokens" | "ttftMs" | "durationMs">;

/**
 * Statements prepared once per connection: this runs for every request through the gateway, and building
 * the SQL through the query builder each time cost more than the write itself.
 */
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
    returning created_at as createdAt, user_id as userId, coalesce(api_key_id, '') as apiKeyId, source, model`);
  const progress = sqlite.prepare(`update usage set prompt_tokens = ?, completion_tokens = ?, duration_ms = ?
    where id = ? and status = ${USAGE_IN_PROGRESS}`);
  const unfinished = sqlite.prepare(`select id, created_at as createdAt, prompt_tokens as promptTokens,
    completion_tokens as completionTokens, ttft_ms as ttftMs, duration_ms as durationMs
    from usage where status = ${USAGE_IN_PROGRESS}`);

  const values = (row: UsageRow) => ({
    createdAt: row.createdAt, userId: row.userId ?? null, apiKeyId: row.apiKeyId ?? null, source: row.source,
    model: row.model, stream: row.stream ? 1 : 0, status: row.status, errorCode: row.errorCode ?? null,
    promptTokens: row.promptTokens ?? 0, completionTokens: row.completionTokens ?? 0,
    ttftMs: row.ttftMs ?? null, durationMs: row.durationMs,
  });
  const addToRollup = (row: { createdAt: number; userId: string | null; apiKeyId: string; source: string; model: string },
    outcome: Outcome) => {
    if (!row.userId) return;
    rollup.run({ hour: Math.floor(row.createdAt / HOUR) * HOUR, userId: row.userId, apiKeyId: row.apiKeyId,
      source: row.source, model: row.model, errors: isFailure(outcome) ? 1 : 0,
      promptTokens: outcome.promptTokens ?? 0, completionTokens: outcome.completionTokens ?? 0,
      ttftSum: outcome.ttftMs ?? 0, ttftCount: outcome.ttftMs == null ? 0 : 1 });
  };
  const completeRow = (id: number, outcome: Outcome) => {
    const row = complete.get({ id, status: outcome.status, errorCode: outcome.errorCode ?? null,
      promptTokens: outcome.promptTokens ?? 0, completionTokens: outcome.completionTokens ?? 0,
      ttftMs: outcome.ttftMs ?? null, durationMs: outcome.durationMs }) as Parameters<typeof addToRollup>[0] | undefined;
    if (row) addToRollup(row, outcome);
  };

  return {
    /** A whole request at once (refused before it started): ledger row, roll-up and key use together. */
    record: sqlite.transaction((row: UsageRow) => {
      insert.run(values(row));
      addToRollup({ ...values(row), apiKeyId: row.apiKeyId ?? "" }, row);
      if (row.apiKeyId) touchKey.run(row.createdAt, row.apiKeyId);
    }),
    start: sqlite.transaction((row: UsageRow): number => {
      const id = Number(insert.run(values({ ...row, status: USAGE_IN_PROGRESS })).lastInsertRowid);
      if (row.apiKeyId) touchKey.run(row.createdAt, row.apiKeyId);
      return id;
    }),
    complete: sqlite.transaction(completeRow),
    progress: (id: number, promptTokens: number, completionTokens: number, durationMs: number) =>
      progress.run(promptTokens, completionTokens, durationMs, id),
    /** Rows left in progress by a process that is gone become interrupted, with the tokens counted so far. */
    closeUnfinished: sqlite.transaction((): number => {
      const rows = unfinished.all() as (Outcome & { id: number })[];
      for (const r of rows) completeRow(r.id, { ...r, ...USAGE_INTERRUPTED });
      return rows.length;
    }),
  };
}

function statements() {
  const sqlite = getSqlite();
  let s = prepared.get(sqlite);
  if (!s) prepared.set(sqlite, (s = statementsFor(sqlite)));
  return s;
}

/** Accounting must never break a reply that already reached the client: failures are logged, not thrown. */
function safely<T>(what: string, write: () => T): T | undefined {
  try {
    return write();
  } catch (err) {
    console.error(`[usage] could not ${what}`, err);
    return undefined;
  }
}

/** One ledger row for a request refused before it started, its hourly roll-up, and the key's last use. */
export function recordUsage(row: UsageRow): void {
  safely("record a request", () => statements().record(row));
}

/**
 * The ledger row of a request that is starting, so a crash mid-request still leaves a trace. Returns its id
 * for `usageProgress` and `completeUsage`, which adds it to the roll-up.
 */
export function startUsage(row: Omit<UsageRow, "status">): number | undefined {
  return safely("record a request", () => statements().start({ ...row, status: USAGE_IN_PROGRESS }));
}

/** The tokens counted so far, written now and then while a reply streams. */
export function usageProgress(id: number | undefined, promptTokens: number, completionTokens: number, durationMs: number) {
  if (id === undefined) return;
  safely("update a request", () => statements().progress(id, promptTokens, completionTokens, durationMs));
}

export function completeUsage(id: number | undefined, outcome: Outcome): void {
  if (id === undefined) return;
  safely("complete a request", () => statements().complete(id, outcome));
}

/** At start-up: requests a previous process left running are recorded as interrupted. */
export function closeUnfinishedUsage(): number {
  return statements().closeUnfinished();
}
