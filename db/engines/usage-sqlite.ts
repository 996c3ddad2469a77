/**
 * The usage ledger on SQLite. The ledger writes on every gateway request and once a second per stream: a
 * request's row is written at its start, before anything goes upstream, and its progress and end as they
 * happen, batched with the other requests' (see `enqueue`), through statements prepared once per connection
 * (./usage-sqlite-statements.ts).
 */
import "server-only";
import type Database from "better-sqlite3";
import type { Db } from "@/db";
import type { LedgerRow, LedgerStatements, UsageEntry, UsageOutcome } from "@/db/queries/usage-rules";
import { joinTurnTransaction } from "./group-commit-sqlite";
import { atExit } from "./sqlite-exit";
import { Rollup, statements } from "./usage-sqlite-statements";

const client = (db: Db) => (db as unknown as { $client: Database.Database }).$client;

/**
 * Start, progress and completion writes wait up to BATCH_MS and go in one transaction together: each commit
 * writes the touched pages (the row and its indexes, the hourly roll-up and its covering indexes) to the WAL,
 * ~80 µs for one request's row alone, ~15 µs each for ten in one commit, and the roll-up's upsert (one per
 * bucket per batch) rewrites the bucket's row and six indexes. In the server at 32 /v1 streams, 10 ms batches
 * still cost ~140 µs of a stream's ~1.4 ms (BEGIN/COMMIT ~60, the roll-up ~33, completion ~27, start ~14:
 * differential profile against a bare translating proxy in the same process); 50 ms batches write the same
 * rows with a fifth of the commits and roll-ups. Readers in this process (usage reports, closing unfinished
 * rows) flush first; a crash can lose at most the last BATCH_MS of writes (and the group commit's
 * COMMIT_EVERY_MS after them: group-commit-sqlite.ts), and a row whose completion was
 * lost is still closed as interrupted, its tokens so far kept, at start-up.
 */
export const BATCH_MS = 50;
/** A batch this large is written at once. */
const BATCH_MAX = 256;

/**
 * A request's row as the queue knows it: its id once the start is written (undefined before, or if it failed),
 * and what the start wrote when this process wrote it (the completion's roll-up needs no RETURNING then).
 */
interface QueuedRow {
  id: number | undefined;
  values?: LedgerRow;
}

type Pending =
  | {
      kind: "progress";
      row: QueuedRow;
      promptTokens: number;
      completionTokens: number;
      durationMs: number;
      done?: (written: boolean) => void;
    }
  | { kind: "complete"; row: QueuedRow; outcome: UsageOutcome; done?: (written: boolean) => void }
  | { kind: "start"; row: QueuedRow; values: LedgerRow; done?: (id: number | undefined) => void };

const queues = new Map<Database.Database, { items: Pending[]; timer: NodeJS.Timeout | undefined }>();

function enqueue(db: Db, item: Pending) {
  const sqlite = (db as unknown as { $client: Database.Database }).$client;
  let queue = queues.get(sqlite);
  if (!queue) queues.set(sqlite, (queue = { items: [], timer: undefined }));
  queue.items.push(item);
  if (queue.items.length >= BATCH_MAX) flush(sqlite);
  else queue.timer ??= setTimeout(() => flush(sqlite), BATCH_MS);
}

/**
 * What is still queued when the process exits (`npm start` stopping after its last stream) is written, into
 * the shared transaction that commits after it (./sqlite-exit.ts).
 */
atExit("write", () => {
  for (const sqlite of queues.keys()) flush(sqlite);
});

function flush(sqlite: Database.Database) {
  const queue = queues.get(sqlite);
  if (!queue) return;
  clearTimeout(queue.timer);
  queue.timer = undefined;
  const items = queue.items;
  if (!items.length) return;
  queue.items = [];
  if (!sqlite.open) return settle(items, null);
  const s = statements(sqlite);
  const results: (boolean | number)[] = [];
  joinTurnTransaction(sqlite);
  try {
    sqlite.transaction(() => {
      const rollUp = new Rollup();
      // A key's last use, once per batch (a busy key's row was rewritten for each of its requests).
      const keysUsed = new Map<string, number>();
      for (const item of items) {
        const row = item.row;
        if (item.kind === "start") {
          row.id = s.startRow(item.values);
          results.push(row.id);
          const key = item.values.apiKeyId;
          if (key) keysUsed.set(key, Math.max(keysUsed.get(key) ?? 0, item.values.createdAt));
        } else if (row.id === undefined)
          results.push(false); // its start was not written
        else if (item.kind === "complete") results.push(s.completeRow(row.id, item.outcome, rollUp, row.values));
        else
          results.push(s.progress.run(item.promptTokens, item.completionTokens, item.durationMs, row.id).changes > 0);
      }
      rollUp.writeWith(s.addToRollup);
      for (const [id, at] of keysUsed) s.touchKey(id, at);
    })();
  } catch (err) {
    console.error("[usage] could not write the ledger", err);
    for (const item of items) if (item.kind === "start") item.row.id = undefined;
    return settle(items, null);
  }
  settle(items, results);
}

/** Tells each item's waiter (if any) what became of it: a start its id, the others whether they were written. */
function settle(items: Pending[], results: (boolean | number)[] | null) {
  items.forEach((item, i) => {
    if (!item.done) return;
    if (item.kind === "start") item.done(results ? (results[i] as number) : undefined);
    else item.done(results ? (results[i] as boolean) : false);
  });
}

/**
 * A request's ledger entry on SQLite: its start, progress and completion are queued for the next batch, each
 * after the one before, so a completion finds its row's id already written when its turn comes. No promise is
 * made per write (the gateway core opens one per request; the promise API below is for everyone else).
 */
export function queueUsage(db: Db, values: LedgerRow): UsageEntry {
  const row: QueuedRow = { id: undefined, values };
  enqueue(db, { kind: "start", row, values });
  return {
    progress: ({ promptTokens, completionTokens, durationMs }) =>
      enqueue(db, { kind: "progress", row, promptTokens, completionTokens, durationMs }),
    complete: (outcome) => enqueue(db, { kind: "complete", row, outcome }),
  };
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
  start(db, values) {
    return new Promise((resolve, reject) =>
      enqueue(db, {
        kind: "start",
        row: { id: undefined },
        values,
        done: (id) => (id === undefined ? reject(new Error("the ledger row was not written")) : resolve(id)),
      }),
    );
  },
  async progress(db, { id, promptTokens, completionTokens, durationMs }) {
    await new Promise((done) =>
      enqueue(db, { kind: "progress", row: { id }, promptTokens, completionTokens, durationMs, done }),
    );
  },
  complete(db, id, outcome) {
    return new Promise((done) => enqueue(db, { kind: "complete", row: { id }, outcome, done }));
  },
  async closeUnfinished(db, { lastProgressBefore }) {
    flushLedger(db);
    return statements(client(db)).closeUnfinished(lastProgressBefore);
  },
};
