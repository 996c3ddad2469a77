/**
 * Group commit on SQLite (db/engines/group-commit-sqlite.ts): the writes of one event-loop turn share one
 * commit at the end of that turn, or COMMIT_EVERY_MS after the last commit when that is later; each unit that must be atomic (a chat turn's first writes, a query-layer
 * transaction) still rolls back alone. Another connection (another process: a backup, the keys CLI) sees
 * the turn's writes once it has ended, and an orderly close commits what is pending.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import Database from "better-sqlite3";

process.env.AUTH_SECRET ??= "test";
const dir = mkdtempSync(path.join(tmpdir(), "glm-group-commit-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const turnEnds = () => new Promise((r) => setImmediate(r));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("one turn's writes commit together at its end; a failed unit rolls back alone", async () => {
  const file = path.join(dir, "a.db");
  const { openDatabase } = await import("@/db");
  const db = openDatabase(file);
  const M = await import("@/db/queries/messages");
  const { createUser } = await import("@/db/queries/users");
  const userId = (await createUser(db, { email: "a@example.com", passwordHash: null })).id;
  await turnEnds();
  const other = new Database(file, { readonly: true });
  const count = (table: string) => (other.prepare(`select count(*) from ${table}`).pluck().get() as number) ?? 0;

  const first = (id: string, messageId: string) =>
    M.startConversation(db, {
      conversation: { id, userId, title: "Tides", model: "GLM-4-Air" },
      user: { id: messageId, content: "why are there two tides a day?" },
      assistantId: `${id}-reply`,
    });
  await first("c1", "m1");
  // The same message id again: its insert fails after the conversation row was written, and only this unit
  // (conversation c2 included) rolls back.
  await assert.rejects(first("c2", "m1"), /UNIQUE/);
  await M.finishReply(db, { id: "c1-reply", content: "The Moon and the Sun.", status: "complete" });
  assert.equal(count("conversations"), 0, "nothing is committed before the turn ends");
  // The units' savepoint journals stay in memory (2 = MEMORY): on a temporary file they were most of a chat
  // turn's writes under load.
  assert.equal((db as unknown as { $client: Database.Database }).$client.pragma("temp_store", { simple: true }), 2);

  const { COMMIT_EVERY_MS } = await import("@/db/engines/group-commit-sqlite");
  await sleep(COMMIT_EVERY_MS + 5);
  assert.equal(count("conversations"), 1);
  assert.deepEqual(other.prepare("select id from conversations").pluck().all(), ["c1"]);
  assert.deepEqual(other.prepare("select id, status, content from messages order by seq").all(), [
    { id: "m1", status: "complete", content: "why are there two tides a day?" },
    { id: "c1-reply", status: "complete", content: "The Moon and the Sun." },
  ]);
  other.close();
  (db as unknown as { $client: Database.Database }).$client.close();
});

test("closing the app's connection commits the turn's pending writes", async () => {
  const file = path.join(dir, "b.db");
  process.env.DATABASE_URL = `file:${file}`;
  const { getDb, closeDb } = await import("@/db");
  const db = getDb();
  const M = await import("@/db/queries/messages");
  const { createUser } = await import("@/db/queries/users");
  const userId = (await createUser(db, { email: "b@example.com", passwordHash: null })).id;
  await M.startConversation(db, {
    conversation: { id: "k1", userId, title: "Reefs", model: "GLM-4-Air" },
    user: { id: "k1-u", content: "coral" },
    assistantId: "k1-a",
  });
  await closeDb(); // in the same turn
  const other = new Database(file, { readonly: true });
  assert.equal(other.prepare("select count(*) from messages").pluck().get(), 2);
  other.close();
});

test("a request about to write reads inside the turn's transaction, which ends with the turn", async () => {
  const file = path.join(dir, "c.db");
  const { openDatabase, readsJoinWrites } = await import("@/db");
  const { findSessionUser } = await import("@/db/queries/sessions");
  const db = openDatabase(file);
  const c = (db as unknown as { $client: Database.Database }).$client;
  await turnEnds();
  assert.equal(c.inTransaction, false);
  readsJoinWrites(db);
  assert.equal(await findSessionUser(db, { sessionId: "none", userId: "none", now: Date.now() }), undefined);
  assert.equal(c.inTransaction, true, "the read ran inside the turn's transaction");
  await turnEnds();
  assert.equal(c.inTransaction, false, "committed at the turn's end, though nothing was written");
  c.close();
});

/**
 * A database file of its own with one user, the connection, a way to start a conversation (a chat turn's first
 * writes), and a second connection's count of the conversations committed.
 */
async function conversationsDb(name: string) {
  const file = path.join(dir, `${name}.db`);
  const { openDatabase } = await import("@/db");
  const M = await import("@/db/queries/messages");
  const { createUser } = await import("@/db/queries/users");
  const db = openDatabase(file);
  const c = (db as unknown as { $client: Database.Database }).$client;
  const userId = (await createUser(db, { email: `${name}@example.com`, passwordHash: null })).id;
  const start = (id: string) =>
    M.startConversation(db, {
      conversation: { id, userId, title: id, model: "GLM-4-Air" },
      user: { id: `${id}-u`, content: "hello" },
      assistantId: `${id}-a`,
    });
  const other = new Database(file, { readonly: true });
  const committed = () => other.prepare("select count(*) from conversations").pluck().get() as number;
  const close = () => {
    other.close();
    c.close();
  };
  return { c, start, committed, close };
}

test("under load commits come at most every COMMIT_EVERY_MS: writes just after a commit wait for the next", async () => {
  const { commitTurnNow, COMMIT_EVERY_MS } = await import("@/db/engines/group-commit-sqlite");
  const { c, start, committed: conversations, close } = await conversationsDb("d");
  await sleep(COMMIT_EVERY_MS + 5);
  await start("d1");
  await turnEnds();
  assert.equal(conversations(), 1, "the first commit in a while comes at the turn's end");

  await start("d2");
  const beforeCommit = performance.now();
  commitTurnNow(c);
  await start("d3");
  await turnEnds();
  // The next commit is due COMMIT_EVERY_MS after the last one, so none can have come while less than that
  // has passed since before it. (A machine that stalled longer than that cannot tell.)
  const soon = performance.now() - beforeCommit < COMMIT_EVERY_MS;
  if (soon) assert.equal(conversations(), 2, "a commit right after another waits");
  await sleep(COMMIT_EVERY_MS + 5);
  assert.equal(conversations(), 3, "and follows COMMIT_EVERY_MS after it");
  close();
});

test("a commit's timer that comes after an explicit commit waits COMMIT_EVERY_MS from that one", async () => {
  const { commitTurnNow, COMMIT_EVERY_MS } = await import("@/db/engines/group-commit-sqlite");
  const { c, start, committed: conversations, close } = await conversationsDb("e");
  await sleep(COMMIT_EVERY_MS + 5);
  await start("e1");
  await turnEnds(); // committed: the next commit is due COMMIT_EVERY_MS from here
  await start("e2"); // its timer is set for then
  await sleep(COMMIT_EVERY_MS / 2);
  commitTurnNow(c); // e2 committed early, as a close does
  const committedAt = performance.now();
  await start("e3"); // a new transaction, due COMMIT_EVERY_MS after e2's commit
  // Past e2's old timer, not yet COMMIT_EVERY_MS after e2's commit: e3 is not committed by the old timer.
  await sleep(COMMIT_EVERY_MS * 0.7);
  if (performance.now() - committedAt < COMMIT_EVERY_MS) assert.equal(conversations(), 2, "e3 waits for its own time");
  await sleep(COMMIT_EVERY_MS + 5);
  assert.equal(conversations(), 3);
  close();
});
