import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { holdServerLock, releaseServerLock } from "@/db/engines/sqlite-server-lock";

const dir = mkdtempSync(path.join(tmpdir(), "glm-server-lock-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Another process holding the file's lock the way a server does, until it is killed. */
function otherServer(dbFile: string) {
  const code = `
    const Database = require("better-sqlite3");
    const lock = new Database(${JSON.stringify(`${dbFile}-server-lock`)});
    lock.exec("BEGIN EXCLUSIVE");
    console.log("held");
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ["-e", code], { stdio: ["ignore", "pipe", "inherit"] });
  const held = new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
  return { child, held };
}

test("one server per SQLite file: a second waits, gives up after its wait, and gets it once the first is gone", async () => {
  const dbFile = path.join(dir, "app.db");
  const other = otherServer(dbFile);
  await other.held;
  const told: string[] = [];
  const started = Date.now();
  assert.equal(await holdServerLock(dbFile, 600, (lock) => told.push(lock)), false);
  assert.ok(Date.now() - started >= 600, "waited before giving up");
  assert.deepEqual(told, [`${dbFile}-server-lock`], "told once that it waits, with the lock's path");

  // Killed outright (no clean exit): the kernel drops its lock, so nothing stale is left behind.
  const waiting = holdServerLock(dbFile, 10_000);
  other.child.kill("SIGKILL");
  assert.equal(await waiting, true);
  // Held by this process from now on: asking again is a yes.
  assert.equal(await holdServerLock(dbFile, 0), true);
  releaseServerLock();
});

test("on a new install the database's folder is made for it, and the lock file is owner-only", async () => {
  const dbFile = path.join(dir, "new", "data", "app.db");
  assert.equal(await holdServerLock(dbFile, 0), true);
  assert.equal(statSync(`${dbFile}-server-lock`).mode & 0o777, 0o600);
  assert.equal(statSync(path.dirname(dbFile)).mode & 0o777, 0o700);
  releaseServerLock();
});

test("an in-memory database has nothing to lock", async () => {
  assert.equal(await holdServerLock(":memory:", 0), true);
});
