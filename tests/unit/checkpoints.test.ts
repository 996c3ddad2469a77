/**
 * SQLite checkpoints off the event loop (db/engines/checkpoint-sqlite.ts): the app's connection never
 * checkpoints inside a commit, a worker thread copies the log into the database file once enough waits (and
 * syncs it to disk meanwhile), the log starts again from its beginning instead of growing without end, and
 * without the worker the connection checkpoints itself again. (PostgreSQL has no such thing to test.)
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";

process.env.AUTH_SECRET ??= "test";
const dir = mkdtempSync(path.join(tmpdir(), "glm-checkpoints-"));
after(() => rmSync(dir, { recursive: true, force: true }));

type Sqlite = import("better-sqlite3").Database;
const PAGE = 4096;

async function open(file: string) {
  const { openDatabase } = await import("@/db");
  const db = openDatabase(file);
  return (db as unknown as { $client: Sqlite }).$client;
}

const size = (f: string) => (existsSync(f) ? statSync(f).size : 0);

/**
 * Whether the worker has copied the whole log into the file, read from the WAL index (the -shm file, which
 * SQLite maps into memory): its header's mxFrame (offset 16) against the checkpoint's nBackfill (offset 96).
 * Only then does the next write start the log again from its beginning; a file that has merely grown may
 * still be mid-copy on a busy machine.
 */
function fullyCheckpointed(file: string): boolean {
  if (!existsSync(`${file}-shm`)) return false;
  const index = readFileSync(`${file}-shm`);
  if (index.length < 100) return false;
  const mxFrame = index.readUInt32LE(16);
  return mxFrame > 0 && index.readUInt32LE(96) === mxFrame;
}

/** Writes about `pages` pages of new data in one commit. */
function writePages(c: Sqlite, pages: number) {
  c.exec("create table if not exists scratch (body blob)");
  const insert = c.prepare("insert into scratch (body) values (?)");
  c.transaction(() => {
    for (let i = 0; i < pages; i++) insert.run(Buffer.alloc(PAGE - 200, i % 251));
  })();
}

async function until(what: string, ok: () => boolean, ms = 5000) {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) assert.fail(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

test("commits leave checkpoints to the worker, which copies the log into the database file", async () => {
  const file = path.join(dir, "a.db");
  const c = await open(file);
  assert.equal(c.pragma("wal_autocheckpoint", { simple: true }), 0, "the app's connection must not checkpoint");
  const before = size(file);
  // Twice SQLite's automatic threshold (1,000 pages): a commit this size would have checkpointed in itself.
  writePages(c, 2000);
  assert.ok(size(`${file}-wal`) >= 2000 * PAGE, "the commit went to the log");
  await until("the worker has copied the pages into the file", () => size(file) >= before + 1900 * PAGE);
  c.close();
});

test("the log starts again from its beginning after a checkpoint, so it does not grow with every write", async () => {
  const file = path.join(dir, "b.db");
  const c = await open(file);
  let biggest = 0;
  for (let round = 0; round < 5; round++) {
    const fileBefore = size(file);
    // Past CHECKPOINT_PAGES (1,000), so that each round is copied.
    writePages(c, 1100);
    biggest = Math.max(biggest, size(`${file}-wal`));
    await until(`round ${round} is checkpointed`, () => size(file) >= fileBefore + 1000 * PAGE);
    await until(`round ${round}'s checkpoint is complete`, () => fullyCheckpointed(file));
  }
  // 5,500 pages written in all; a log that was never restarted would hold them all.
  assert.ok(biggest < 2300 * PAGE, `the log grew to ${Math.round(biggest / PAGE)} pages`);
  c.close();
});

test("small commits wait in the log for CHECKPOINT_PAGES, synced to disk as it grows but not restarted each time", async () => {
  // Each complete checkpoint makes the next commit restart the log and sync its header on the app's thread: a
  // checkpoint every round, whatever the log held, put an fsync on the event loop up to four times a second.
  const file = path.join(dir, "d.db");
  // The app's connection comes with a worker of its own, which would race this test's for the checkpoint: a
  // log it had copied first leaves nothing for the reporting worker to do. So the file is made by the app and
  // written through a plain connection (the file stays in WAL mode) whose only worker is the one watched here.
  (await open(file)).close();
  const { default: Database } = await import("better-sqlite3");
  const c = new Database(file);
  c.pragma("synchronous = NORMAL");
  const { checkpointInBackground, CHECKPOINT_EVERY_MS } = await import("@/db/engines/checkpoint-sqlite");
  const rounds: string[] = [];
  assert.ok(checkpointInBackground(c, file, (round) => rounds.push(round)));
  assert.equal(c.pragma("journal_mode", { simple: true }), "wal");
  const wait = (n: number) => new Promise((r) => setTimeout(r, n * CHECKPOINT_EVERY_MS));
  writePages(c, 20);
  await until("the log is synced", () => rounds.includes("sync"));
  await wait(2);
  const syncs = () => rounds.filter((r) => r === "sync").length;
  const synced = syncs();
  await wait(3);
  assert.equal(syncs(), synced, "nothing new to sync");
  assert.ok(!rounds.includes("checkpoint") && !fullyCheckpointed(file), "20 pages are not copied into the file");
  writePages(c, 20);
  await until("the log is synced again", () => syncs() > synced);
  writePages(c, 1000);
  await until("the log is copied once past the threshold", () => rounds.includes("checkpoint"));
  await until("that checkpoint is complete", () => fullyCheckpointed(file));
  c.close();
});

test("when the worker stops, the connection checkpoints in its commits again", async () => {
  const file = path.join(dir, "c.db");
  const c = await open(file);
  const { checkpointInBackground } = await import("@/db/engines/checkpoint-sqlite");
  const worker = checkpointInBackground(c, file);
  assert.ok(worker);
  assert.equal(c.pragma("wal_autocheckpoint", { simple: true }), 0);
  await new Promise<void>((resolve) => {
    worker.once("exit", () => resolve());
    void worker.terminate();
  });
  assert.equal(c.pragma("wal_autocheckpoint", { simple: true }), 1000);
  c.close();
});
