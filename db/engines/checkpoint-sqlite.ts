/**
 * WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside whichever commit takes the
 * log past 1,000 pages: it syncs the log, copies the pages into the database file and syncs that, on the
 * thread that committed — here the server's only thread. On this machine that stalled every request in
 * flight for 10–30 ms every few hundred /v1 streams (every few dozen chat turns), which set the gateway's
 * p99 time to first token (strace: fsync of the log 7.5 ms, ~115 pages copied, fsync of the file).
 *
 * So the app's connection does not checkpoint; a worker thread with a connection of its own looks at the log
 * every CHECKPOINT_EVERY_MS. PASSIVE takes no lock a writer needs: commits go on while pages are copied.
 *
 * It copies the log into the file only once it holds CHECKPOINT_PAGES (SQLite's own threshold). After a complete
 * checkpoint the next commit starts the log again from its beginning, and that commit syncs the new log's header
 * (without it, frames of the old log could be replayed after a power loss): an fsync on the event loop, ~1 ms
 * here and more on slower disks. Checkpointing every 250 ms whatever the log held did that up to four times a
 * second; now it is once per CHECKPOINT_PAGES. In between, the worker syncs the log itself whenever it has grown,
 * so a power loss still loses at most the last CHECKPOINT_EVERY_MS of commits, as it did (with synchronous =
 * NORMAL a commit is never synced by itself; a process crash loses nothing committed either way).
 *
 * How much waits is read from the WAL index (the -shm file, which SQLite maps into memory; its format is
 * documented at sqlite.org/walformat.html): the header's mxFrame, the last frame written, and nBackfill, the
 * last one copied. If it cannot be read, the worker checkpoints every time, as before. If the worker cannot
 * start or stops, the connection checkpoints itself again.
 */
import "server-only";
import type Database from "better-sqlite3";
import { Worker } from "node:worker_threads";
import { atExit } from "./sqlite-exit";

/** How often the worker looks at the log (a read of the -shm; a sync of the log only when it grew). */
export const CHECKPOINT_EVERY_MS = 250;
/** The log's length in pages from which it is copied into the file: SQLite's own automatic threshold. */
export const CHECKPOINT_PAGES = 1000;

/** What the worker did on a round, for tests (`onRound`). */
export type CheckpointRound = "checkpoint" | "sync";

// CommonJS, resolved from the working directory as the app's migrations folder is (db/engines/sqlite.ts).
const WORKER = `
const { workerData, parentPort } = require("node:worker_threads");
const fs = require("node:fs");
const Database = require("better-sqlite3");
const { file, everyMs, pages, report } = workerData;
const db = new Database(file, { fileMustExist: true });
db.pragma("busy_timeout = 1000");
db.pragma("wal_autocheckpoint = 0");
const header = Buffer.alloc(100);
const read32 = header[require("node:os").endianness() === "LE" ? "readUInt32LE" : "readUInt32BE"].bind(header);
let index;
let log;
/** The WAL index's change counter (one more per commit) when the log was last synced. */
let synced = -1;
/** [last frame written, last frame copied, change counter] from the WAL index; undefined when it cannot be read. */
function frames() {
  try {
    index ??= fs.openSync(file + "-shm", "r");
    if (fs.readSync(index, header, 0, 100, 0) < 100) return undefined;
    const written = read32(16);
    const copied = read32(96);
    return copied <= written ? [written, copied, read32(8)] : undefined;
  } catch {
    if (index !== undefined) fs.closeSync(index);
    index = undefined;
    return undefined;
  }
}
function checkpoint() {
  try {
    db.pragma("wal_checkpoint(PASSIVE)");
    if (report) parentPort.postMessage("checkpoint");
  } catch (err) {
    // Busy or a full disk: the pages stay in the log, and the next round tries again.
    if (!/busy|locked/i.test(String(err && err.message))) console.error("[db] checkpoint failed", err);
  }
}
setInterval(() => {
  const f = frames();
  // As SQLite's own threshold: on the log's length, again every round until all of it is copied (readers of
  // older snapshots can hold a checkpoint back) and the next commit can start the log over.
  if (!f || (f[0] >= pages && f[1] < f[0])) return checkpoint();
  if (f[0] === f[1] || f[2] === synced) return;
  try {
    log ??= fs.openSync(file + "-wal", "r");
    fs.fsyncSync(log);
    synced = f[2];
    if (report) parentPort.postMessage("sync");
  } catch {
    // Not synced this round (the log gone, or an I/O error): the next round opens it again and retries.
    if (log !== undefined) fs.closeSync(log);
    log = undefined;
  }
}, everyMs);
`;

/** Connections whose log is copied into the database file when the process exits. */
const openAtExit = new Set<Database.Database>();

/**
 * At exit, the log (up to CHECKPOINT_PAGES of it, which the worker left there) is copied into the database file
 * and emptied, so a stopped server leaves one self-contained file, as it did when the worker copied every 250
 * ms. TRUNCATE waits for readers of older snapshots, which another process (a server still running while a
 * script ends) may hold: not for more than a moment here. That process copies the log itself.
 */
atExit("checkpoint", () => {
  for (const c of openAtExit) {
    if (!c.open) continue;
    try {
      c.pragma("busy_timeout = 250");
      c.pragma("wal_checkpoint(TRUNCATE)");
    } catch (err) {
      // Busy: another process has the database open and writing (a script ending beside a running server).
      if (!/busy|locked/i.test(String((err as Error)?.message))) throw err;
    }
  }
});

/** Moves the connection's checkpoints to a worker thread (file databases in WAL mode only). */
export function checkpointInBackground(
  client: Database.Database,
  file: string,
  /** Told what each round did that wrote to disk (tests). */
  onRound?: (round: CheckpointRound) => void,
): Worker | undefined {
  openAtExit.add(client);
  let worker: Worker;
  try {
    worker = new Worker(WORKER, {
      eval: true,
      workerData: { file, everyMs: CHECKPOINT_EVERY_MS, pages: CHECKPOINT_PAGES, report: onRound !== undefined },
    });
  } catch (err) {
    console.error("[db] no background checkpoints; SQLite checkpoints in its commits", err);
    return undefined;
  }
  client.pragma("wal_autocheckpoint = 0");
  const checkpointHere = () => {
    if (client.open) client.pragma(`wal_autocheckpoint = ${CHECKPOINT_PAGES}`);
  };
  worker.once("error", (err) => {
    console.error("[db] the checkpoint worker stopped; SQLite checkpoints in its commits again", err);
    checkpointHere();
  });
  worker.once("exit", checkpointHere);
  if (onRound) worker.on("message", onRound);
  // Closing the connection ends the worker's too.
  const close = client.close.bind(client);
  client.close = () => {
    openAtExit.delete(client);
    void worker.terminate();
    return close();
  };
  // It must not keep a script alive that is otherwise done.
  worker.unref();
  return worker;
}
