import "server-only";
import { closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";

/**
 * One server per SQLite file. At start-up a server marks every reply and request the last run left unfinished
 * as interrupted, which is right only if no other server is still writing them: a new server started while
 * the old one was finishing its replies (a restart that overlaps, a second `npm start` by mistake) cut
 * those replies short, and the old server's last words were lost. It also migrated the file under a
 * server that could not know.
 *
 * The lock is SQLite's own lock on a side file (`app.db-server-lock`), taken by an exclusive transaction that
 * stays open for the life of the process. The kernel drops the lock when the process ends, however it ends
 * (kill -9 and power loss included), so a crash never leaves a stale lock to clean up, which a pid file would.
 */

const holder = globalThis as unknown as { __glmServerLock?: Database.Database };

/**
 * Takes the lock of `dbFile`, waiting up to `waitMs` for a server that holds it to stop (`onWait` is told
 * once, with the lock's path). False when it is still held then; the lock stays held by this process once taken.
 */
export async function holdServerLock(
  dbFile: string,
  waitMs: number,
  onWait: (lockFile: string) => void = () => {},
): Promise<boolean> {
  if (dbFile === ":memory:" || holder.__glmServerLock) return true;
  const lockFile = `${dbFile}-server-lock`;
  // Taken before the database is first opened: on a new install its folder is not there yet. Owner-only, as
  // the database is: another account that could open the file could hold a lock on it and stop the server.
  mkdirSync(path.dirname(lockFile), { recursive: true, mode: 0o700 });
  if (!existsSync(lockFile)) closeSync(openSync(lockFile, "a", 0o600));
  const lock = new Database(lockFile);
  // Asked, not waited for inside SQLite: the wait below is on the event loop, not a blocked thread.
  lock.pragma("busy_timeout = 0");
  const deadline = Date.now() + waitMs;
  let told = false;
  for (;;) {
    try {
      // No journal file beside it (nothing is ever written); asking takes the lock too, so it is tried here.
      lock.pragma("journal_mode = MEMORY");
      lock.exec("BEGIN EXCLUSIVE");
      holder.__glmServerLock = lock;
      return true;
    } catch (err) {
      if ((err as { code?: string }).code !== "SQLITE_BUSY") {
        lock.close();
        throw err;
      }
    }
    if (Date.now() >= deadline) {
      lock.close();
      return false;
    }
    if (!told) {
      told = true;
      onWait(lockFile);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Lets the lock go (tests; a server keeps it until it exits). */
export function releaseServerLock(): void {
  holder.__glmServerLock?.close();
  holder.__glmServerLock = undefined;
}
