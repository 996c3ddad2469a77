/**
 * Group commit on SQLite: the writes of the event loop's turns (chat turns starting and ending, replies'
 * progress, the ledger's batch) share one transaction, committed once the turn that opened it is done
 * (setImmediate), or, when the last commit was less than COMMIT_EVERY_MS ago, that long after it. Each commit
 * appends every page it touched to the WAL (tables, indexes, search backlogs) and takes and drops the write
 * lock, so under load one commit for several requests costs a fraction of one each: a chat turn's writes,
 * replayed in-process with time-ordered ids, cost 167 us a turn at two turns a commit (what a commit per loop
 * turn gave at 32 streams), 109 us at eight. With one request at a time nothing changes. Nothing waits for a
 * commit. A crash loses at most the last COMMIT_EVERY_MS of writes (the process's own reads see them at once;
 * other processes cannot write meanwhile, and see them once committed). A write that must be atomic with
 * others still is: it runs in a savepoint inside the shared transaction.
 */
import "server-only";
import type Database from "better-sqlite3";
import { atExit } from "./sqlite-exit";

/** The most often the shared transaction commits. */
export const COMMIT_EVERY_MS = 10;

const pending = new Set<Database.Database>();
const lastCommit = new WeakMap<Database.Database, number>();

/** Opens the shared transaction on the connection unless a transaction is already open. */
export function joinTurnTransaction(c: Database.Database): void {
  if (c.inTransaction) return;
  c.exec("BEGIN IMMEDIATE");
  pending.add(c);
  const wait = untilDue(c);
  if (wait > 0) setTimeout(commitWhenDue, wait, c);
  else setImmediate(commitWhenDue, c);
}

/** Milliseconds until the connection may commit again (≤ 0: now). */
const untilDue = (c: Database.Database) =>
  (lastCommit.get(c) ?? Number.NEGATIVE_INFINITY) + COMMIT_EVERY_MS - performance.now();

/**
 * A scheduled commit, checked against the last one when it comes: the transaction its timer was set for may
 * have been committed already (commitTurnNow) and another opened since, and a timer runs by the loop's clock,
 * read when its turn began, so it can come a little early.
 */
function commitWhenDue(c: Database.Database) {
  if (!pending.has(c)) return;
  const wait = untilDue(c);
  if (wait > 0) setTimeout(commitWhenDue, wait, c);
  else commitTurn(c);
}

/** True while this turn's shared transaction is open (a caller's own transaction nests as a savepoint). */
export const inTurnTransaction = (c: Database.Database) => pending.has(c);

/** Commits the open shared transaction now: before a connection closes (closing would roll it back), and at exit. */
export function commitTurnNow(c: Database.Database) {
  if (pending.has(c)) commitTurn(c);
}

// After the writes still queued at exit (the ledger's batch) have joined it.
atExit("commit", () => {
  for (const c of [...pending]) commitTurn(c);
});

function commitTurn(c: Database.Database) {
  if (!pending.delete(c) || !c.open || !c.inTransaction) return;
  lastCommit.set(c, performance.now());
  try {
    c.exec("COMMIT");
  } catch (err) {
    // A full disk or an I/O error: what this turn wrote is lost, as it would have been in its own commits.
    console.error("[db] could not commit this turn's writes", err);
    if (c.inTransaction) c.exec("ROLLBACK");
  }
}
