/**
 * The usage ledger: one row per request through the gateway core, from either door, written when the request
 * starts (so a crash mid-request still leaves a trace), updated once a second while it streams, and completed
 * when it ends, together with its hourly roll-up (usage_hourly) and the key's last use. The statements differ
 * per engine (db/engines/usage-sqlite.ts: prepared better-sqlite3 statements; usage-postgres.ts: one statement
 * per write); the rules of what is counted live in ./usage-rules.ts.
 */
import "server-only";
import type { Db } from "@/db";
import { engine } from "@/db/engine";
import { postgresLedger } from "@/db/engines/usage-postgres";
import { flushLedger, queueUsage, sqliteLedger } from "@/db/engines/usage-sqlite";
import type { UsageRow } from "@/db/schema";
import { ledgerRow, USAGE_IN_PROGRESS, type UsageEntry, type UsageOutcome } from "./usage-rules";

export {
  FAILED_SQL,
  isFailure,
  USAGE_IN_PROGRESS,
  USAGE_INTERRUPTED,
  type UsageEntry,
  type UsageOutcome,
} from "./usage-rules";

const ledger = () => (engine().name === "postgres" ? postgresLedger : sqliteLedger);

/** The ledger's queued writes, now (SQLite batches them for a few ms): a report reads everything written before it. */
export function settleLedger(db: Db): void {
  if (engine().name === "sqlite") flushLedger(db);
}

/** Accounting must never break a reply that already reached the client: failures are logged, not thrown. */
async function safely<T>(what: string, write: () => Promise<T>): Promise<T | undefined> {
  try {
    return await write();
  } catch (err) {
    console.error(`[usage] could not ${what}`, err);
    return undefined;
  }
}

/** One ledger row for a request refused before it started, its hourly roll-up, and the key's last use. */
export async function recordUsage(db: Db, row: UsageRow): Promise<void> {
  await safely("record a request", () => ledger().record(db, ledgerRow(row, row.status)));
}

/**
 * The ledger row of a request that is starting. Returns its id for `usageProgress` and `completeUsage` (which
 * adds it to the roll-up), or undefined when it could not be written (both then do nothing).
 */
export function startUsage(db: Db, row: Omit<UsageRow, "status">): Promise<number | undefined> {
  return safely("record a request", () => ledger().start(db, ledgerRow(row, USAGE_IN_PROGRESS)));
}

/**
 * The ledger entry of a request that is starting, for the gateway core: its row is written now (batched on
 * SQLite), its progress and end when they come. On SQLite they join the write queue directly, with no promise
 * per write: a stream's ledger was ~15 % of a pass-through stream's CPU, its promises and async frames (each
 * paying Next's async hooks) a good part of that. On PostgreSQL each waits for the start's id and the write before it.
 */
export function openUsage(db: Db, row: Omit<UsageRow, "status">): UsageEntry {
  if (engine().name === "sqlite") return queueUsage(db, ledgerRow(row, USAGE_IN_PROGRESS));
  const id = startUsage(db, row);
  // Each write after the one before (they may take different pool connections), as on SQLite's queue.
  let last: Promise<unknown> = id;
  const after = (write: (id: number | undefined) => Promise<void>) => {
    last = last.then(() => id).then(write);
  };
  return {
    progress: (soFar) => after((i) => usageProgress(db, { id: i, ...soFar })),
    complete: (outcome) => after((i) => completeUsage(db, { id: i, ...outcome })),
  };
}

/**
 * The tokens counted so far, written now and then while a reply streams. Only a row still in progress is
 * updated, so a write that lands after the completion (on PostgreSQL, through another connection) changes nothing.
 */
export async function usageProgress(
  db: Db,
  {
    id,
    promptTokens,
    completionTokens,
    durationMs,
  }: { id: number | undefined; promptTokens: number; completionTokens: number; durationMs: number },
): Promise<void> {
  if (id === undefined) return;
  await safely("update a request", () => ledger().progress(db, { id, promptTokens, completionTokens, durationMs }));
}

/** How the request ended: the row is completed once (a second completion changes nothing) and rolled up. */
export async function completeUsage(
  db: Db,
  { id, ...outcome }: { id: number | undefined } & UsageOutcome,
): Promise<void> {
  if (id === undefined) return;
  await safely("complete a request", () => ledger().complete(db, id, outcome));
}

/**
 * Requests a previous process left running are recorded as interrupted, with the tokens counted so far.
 * Without options: every row in progress, only at the start of the one process that owns the database (SQLite).
 * On PostgreSQL other instances may be streaming right now: pass `lastProgressBefore` (ms) to close only rows
 * silent since then. A streaming request's row shows life once a second (created_at + duration_ms grows with
 * each progress write), so a cutoff well past the upstream's longest silence and the longest non-streamed
 * request leaves live requests alone; that is for a periodic sweeper to choose.
 */
export function closeUnfinishedUsage(db: Db, o: { lastProgressBefore?: number } = {}): Promise<number> {
  return ledger().closeUnfinished(db, o);
}
