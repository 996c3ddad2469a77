/**
 * The usage ledger on SQLite: better-sqlite3 statements prepared once per connection. The ledger writes on
 * every gateway request and once a second per stream, and building the SQL through the query builder each
 * time cost more than the write itself. A request's row is written at its start, before anything goes
 * upstream, and its progress and end as they happen, batched with the other requests' (see `enqueue`).
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
import { joinTurnTransaction } from "./group-commit-sqlite";

/**
 * A batch's roll-up, one row per hour bucket: the completions of a batch mostly share a bucket (same account,
 * key, model and hour), and each upsert rewrites the bucket's row and its covering indexes (six of them).
 */
class Rollup {
  private readonly buckets = new Map<string, { bucket: HourBucket; requests: number }>();

  add(b: HourBucket | null) {
    if (!b) return;
    const key = `${b.hour}\u0000${b.userId}\u0000${b.apiKeyId}\u0000${b.source}\u0000${b.model}`;
    const seen = this.buckets.get(key);
    if (!seen) return void this.buckets.set(key, { bucket: { ...b }, requests: 1 });
    seen.requests++;
    const t = seen.bucket;
    t.errors += b.errors;
    t.promptTokens += b.promptTokens;
    t.completionTokens += b.completionTokens;
    t.ttftSum += b.ttftSum;
    t.ttftCount += b.ttftCount;
  }

  writeWith(add: (bucket: HourBucket, requests: number) => void) {
    for (const { bucket, requests } of this.buckets.values()) add(bucket, requests);
  }
}

const prepared = new WeakMap<Database.Database, ReturnType<typeof statementsFor>>();

function statementsFor(sqlite: Database.Database) {
  // Positional parameters, bound from the row's fields: named ones took an object built per write and a
  // lookup per name (a few µs a request, on every gateway request).
  const insert = sqlite.prepare(`insert into usage (created_at, user_id, api_key_id, source, model, stream, status,
    error_code, prompt_tokens, completion_tokens, ttft_ms, duration_ms) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const rollup = sqlite.prepare(`insert into usage_hourly (hour, user_id, api_key_id, source, model, requests, errors,
    prompt_tokens, completion_tokens, ttft_sum, ttft_count)
    values (@hour, @userId, @apiKeyId, @source, @model, @requests, @errors, @promptTokens, @completionTokens, @ttftSum,
      @ttftCount)
    on conflict (user_id, hour, api_key_id, source, model) do update set
      requests = requests + excluded.requests, errors = errors + excluded.errors,
      prompt_tokens = prompt_tokens + excluded.prompt_tokens,
      completion_tokens = completion_tokens + excluded.completion_tokens,
      ttft_sum = ttft_sum + excluded.ttft_sum, ttft_count = ttft_count + excluded.ttft_count`);
  const touchKey = sqlite.prepare("update api_keys set last_used_at = ? where id = ?");
  // Only a row still in progress is completed, so a late second completion cannot count twice.
  const complete = sqlite.prepare(`update usage set status = ?, error_code = ?, prompt_tokens = ?,
    completion_tokens = ?, ttft_ms = ?, duration_ms = ? where id = ? and status = ${USAGE_IN_PROGRESS}
    returning created_at as createdAt, user_id as userId, api_key_id as apiKeyId, source, model`);
  const progress = sqlite.prepare(`update usage set prompt_tokens = ?, completion_tokens = ?, duration_ms = ?
    where id = ? and status = ${USAGE_IN_PROGRESS}`);
  const unfinished = sqlite.prepare(`select id, created_at as createdAt, prompt_tokens as promptTokens,
    completion_tokens as completionTokens, ttft_ms as ttftMs, duration_ms as durationMs
    from usage where status = ${USAGE_IN_PROGRESS}`);
  const stale = sqlite.prepare(`select id, created_at as createdAt, prompt_tokens as promptTokens,
    completion_tokens as completionTokens, ttft_ms as ttftMs, duration_ms as durationMs
    from usage where status = ${USAGE_IN_PROGRESS} and created_at + duration_ms < ?`);

  const insertRow = (row: LedgerRow) =>
    insert.run(
      row.createdAt,
      row.userId,
      row.apiKeyId,
      row.source,
      row.model,
      row.stream ? 1 : 0, // better-sqlite3 binds no booleans
      row.status,
      row.errorCode,
      row.promptTokens,
      row.completionTokens,
      row.ttftMs,
      row.durationMs,
    );
  const addToRollup = (bucket: HourBucket | null, requests = 1) => {
    if (bucket) rollup.run({ ...bucket, requests });
  };
  /** Completes the row; its share of the roll-up goes to `rollUp` (added at once when not given). */
  const completeRow = (id: number, outcome: UsageOutcome, rollUp?: Rollup): boolean => {
    const row = complete.get(
      outcome.status,
      outcome.errorCode ?? null,
      outcome.promptTokens ?? 0,
      outcome.completionTokens ?? 0,
      outcome.ttftMs ?? null,
      outcome.durationMs,
      id,
    ) as Parameters<typeof bucketOf>[0] | undefined;
    if (row && rollUp) rollUp.add(bucketOf(row, outcome));
    else if (row) addToRollup(bucketOf(row, outcome));
    return !!row;
  };

  return {
    record: sqlite.transaction((row: LedgerRow) => {
      insertRow(row);
      addToRollup(bucketOf(row, row));
      if (row.apiKeyId) touchKey.run(row.createdAt, row.apiKeyId);
    }),
    /** The row's id; its key's last use is the caller's to write (once per key per batch: `touchKey`). */
    startRow: (row: LedgerRow): number => Number(insertRow(row).lastInsertRowid),
    touchKey: (apiKeyId: string, at: number) => touchKey.run(at, apiKeyId),
    addToRollup,
    completeRow,
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

const client = (db: Db) => (db as unknown as { $client: Database.Database }).$client;

function statements(sqlite: Database.Database) {
  let s = prepared.get(sqlite);
  if (!s) prepared.set(sqlite, (s = statementsFor(sqlite)));
  return s;
}

/**
 * Start, progress and completion writes wait up to BATCH_MS and go in one transaction together: each commit
 * writes the touched pages (the row and its indexes, the hourly roll-up and its covering indexes) to the WAL,
 * ~80 µs for one request's row alone, ~15 µs each for ten in one commit, and the roll-up's upsert (one per
 * bucket per batch) rewrites the bucket's row and six indexes. In the server at 32 /v1 streams, 10 ms batches
 * still cost ~140 µs of a stream's ~1.4 ms (BEGIN/COMMIT ~60, the roll-up ~33, completion ~27, start ~14:
 * differential profile against a bare translating proxy in the same process); 50 ms batches write the same
 * rows with a fifth of the commits and roll-ups. Readers in this process (usage reports, closing unfinished
 * rows) flush first; a crash can lose at most the last BATCH_MS of writes, and a row whose completion was
 * lost is still closed as interrupted, its tokens so far kept, at start-up.
 */
export const BATCH_MS = 50;
/** A batch this large is written at once. */
const BATCH_MAX = 256;

type Pending =
  | {
      kind: "progress";
      id: number;
      promptTokens: number;
      completionTokens: number;
      durationMs: number;
      done: (written: boolean) => void;
    }
  | { kind: "complete"; id: number; outcome: UsageOutcome; done: (written: boolean) => void }
  | { kind: "start"; row: LedgerRow; done: (id: number | undefined) => void };

const queues = new Map<Database.Database, { items: Pending[]; timer: NodeJS.Timeout | undefined }>();

function enqueue(db: Db, item: Pending) {
  const sqlite = (db as unknown as { $client: Database.Database }).$client;
  let queue = queues.get(sqlite);
  if (!queue) {
    queues.set(sqlite, (queue = { items: [], timer: undefined }));
    if (queues.size === 1) process.once("exit", flushAll);
  }
  queue.items.push(item);
  if (queue.items.length >= BATCH_MAX) flush(sqlite);
  else queue.timer ??= setTimeout(() => flush(sqlite), BATCH_MS);
}

/** What is still queued when the process exits (`npm start` stopping after its last stream) is written. */
function flushAll() {
  for (const sqlite of queues.keys()) flush(sqlite);
}

function flush(sqlite: Database.Database) {
  const queue = queues.get(sqlite);
  if (!queue) return;
  clearTimeout(queue.timer);
  queue.timer = undefined;
  const items = queue.items;
  if (!items.length) return;
  queue.items = [];
  if (!sqlite.open) {
    for (const item of items) (item.done as (v: undefined) => void)(undefined);
    return;
  }
  const s = statements(sqlite);
  const results: (boolean | number)[] = [];
  joinTurnTransaction(sqlite);
  try {
    sqlite.transaction(() => {
      const rollUp = new Rollup();
      // A key's last use, once per batch (a busy key's row was rewritten for each of its requests).
      const keysUsed = new Map<string, number>();
      for (const item of items) {
        if (item.kind === "start") {
          results.push(s.startRow(item.row));
          const key = item.row.apiKeyId;
          if (key) keysUsed.set(key, Math.max(keysUsed.get(key) ?? 0, item.row.createdAt));
        } else if (item.kind === "complete") results.push(s.completeRow(item.id, item.outcome, rollUp));
        else
          results.push(s.progress.run(item.promptTokens, item.completionTokens, item.durationMs, item.id).changes > 0);
      }
      rollUp.writeWith(s.addToRollup);
      for (const [id, at] of keysUsed) s.touchKey(id, at);
    })();
  } catch (err) {
    console.error("[usage] could not write the ledger", err);
    for (const item of items) (item.done as (v: undefined) => void)(undefined);
    return;
  }
  items.forEach((item, i) => (item.done as (v: boolean | number) => void)(results[i]));
}

/** Writes what is queued now (before reading the ledger's open rows, and in tests). */
export function flushLedger(db: Db) {
  flush(client(db));
}

export const sqliteLedger: LedgerStatements = {
  async record(db, row) {
    joinTurnTransaction(client(db));
    statements(client(db)).record(row);
  },
  start(db, row) {
    return new Promise((resolve, reject) =>
      enqueue(db, {
        kind: "start",
        row,
        done: (id) => (id === undefined ? reject(new Error("the ledger row was not written")) : resolve(id)),
      }),
    );
  },
  async progress(db, { id, promptTokens, completionTokens, durationMs }) {
    await new Promise((done) =>
      enqueue(db, { kind: "progress", id, promptTokens, completionTokens, durationMs, done }),
    );
  },
  complete(db, id, outcome) {
    return new Promise((done) => enqueue(db, { kind: "complete", id, outcome, done }));
  },
  async closeUnfinished(db, { lastProgressBefore }) {
    flushLedger(db);
    return statements(client(db)).closeUnfinished(lastProgressBefore);
  },
};
