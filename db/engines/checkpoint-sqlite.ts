/**
 * WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside whichever commit takes the
 * log past 1,000 pages: it syncs the log, copies the pages into the database file and syncs that, on the
 * thread that committed — here the server's only thread. On this machine that stalled every request in
 * flight for 10–30 ms every few hundred /v1 streams (every few dozen chat turns), which set the gateway's
 * p99 time to first token (strace: fsync of the log 7.5 ms, ~115 pages copied, fsync of the file).
 *
 * So the app's connection does not checkpoint; a worker thread with a connection of its own does a PASSIVE
 * checkpoint every CHECKPOINT_EVERY_MS. PASSIVE takes no lock a writer needs: commits go on while pages
 * are copied, and the next commit after a complete checkpoint starts the log from its beginning again, as
 * it does after an automatic one. Durability is unchanged: with synchronous = NORMAL a commit was never
 * synced, only checkpoints are. If the worker cannot start or stops, the connection checkpoints itself again.
 */
import "server-only";
import type Database from "better-sqlite3";
import { Worker } from "node:worker_threads";

/** How often the worker checkpoints (a checkpoint with nothing new to copy reads a few bytes of the -shm). */
export const CHECKPOINT_EVERY_MS = 250;
/** SQLite's own default, restored if the worker is gone. */
const AUTOCHECKPOINT_PAGES = 1000;

// CommonJS, resolved from the working directory as the app's migrations folder is (db/engines/sqlite.ts).
const WORKER = `
const { workerData } = require("node:worker_threads");
const Database = require("better-sqlite3");
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma("busy_timeout = 1000");
db.pragma("wal_autocheckpoint = 0");
setInterval(() => {
  try {
    db.pragma("wal_checkpoint(PASSIVE)");
  } catch (err) {
    // Busy or a full disk: the pages stay in the log, and the next round tries again.
    if (!/busy|locked/i.test(String(err && err.message))) console.error("[db] checkpoint failed", err);
  }
}, workerData.everyMs);
`;

/** Moves the connection's checkpoints to a worker thread (file databases in WAL mode only). */
export function checkpointInBackground(client: Database.Database, file: string): Worker | undefined {
  let worker: Worker;
  try {
    worker = new Worker(WORKER, { eval: true, workerData: { file, everyMs: CHECKPOINT_EVERY_MS } });
  } catch (err) {
    console.error("[db] no background checkpoints; SQLite checkpoints in its commits", err);
    return undefined;
  }
  client.pragma("wal_autocheckpoint = 0");
  const checkpointHere = () => {
    if (client.open) client.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
  };
  worker.once("error", (err) => {
    console.error("[db] the checkpoint worker stopped; SQLite checkpoints in its commits again", err);
    checkpointHere();
  });
  worker.once("exit", checkpointHere);
  // Closing the connection ends the worker's too.
  const close = client.close.bind(client);
  client.close = () => {
    void worker.terminate();
    return close();
  };
  // It must not keep a script alive that is otherwise done.
  worker.unref();
  return worker;
}
