/**
 * SQLite's search indexes catch up in batches (db/engines/search-backlog-sqlite.ts): rows written, edited,
 * continued or deleted while they wait in the backlog must leave the FTS5 indexes exactly as if each had
 * been indexed at once, and a backlog left by a stopped process is indexed at the next start.
 * (PostgreSQL indexes as it writes: search.test.ts runs the behaviour on both engines.)
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";

process.env.AUTH_SECRET ??= "test";
const dir = mkdtempSync(path.join(tmpdir(), "glm-search-backlog-"));
after(() => rmSync(dir, { recursive: true, force: true }));

type Sqlite = import("better-sqlite3").Database;

async function open(file: string) {
  const { openDatabase } = await import("@/db");
  const db = openDatabase(file);
  return { db, client: (db as unknown as { $client: Sqlite }).$client };
}

const backlog = (c: Sqlite) =>
  c
    .prepare(
      "select (select count(*) from messages_search_backlog) + (select count(*) from conversations_search_backlog)",
    )
    .pluck()
    .get() as number;

/**
 * FTS5's own check of each index against the rows it was built from (external content: the tables). Only
 * while no reply streams: a streaming reply's row is in the table but, by design, not in the index.
 */
function assertIndexesMatchTheirRows(c: Sqlite) {
  c.prepare("insert into messages_fts(messages_fts, rank) values ('integrity-check', 1)").run();
  c.prepare("insert into conversations_fts(conversations_fts, rank) values ('integrity-check', 1)").run();
  c.prepare("insert into messages_cjk(messages_cjk) values ('integrity-check')").run();
}

test("rows changed while waiting in the backlog are indexed as they end up; the indexes stay consistent", async () => {
  const { db, client } = await open(path.join(dir, "a.db"));
  const C = await import("@/db/queries/conversations");
  const M = await import("@/db/queries/messages");
  const { createUser } = await import("@/db/queries/users");
  const { indexBacklog } = await import("@/db/engines/search-backlog-sqlite");
  const userId = (await createUser(db, { email: "a@example.com", passwordHash: null })).id;
  const ids = async (query: string) => (await C.searchConversations(db, { userId, query, limit: 50 })).map((c) => c.id);
  const turn = async (conversationId: string, text: string, reply: string) => {
    await M.startTurn(db, {
      userId,
      conversationId,
      model: "GLM-4-Air",
      user: { id: `${conversationId}-u`, content: text },
      assistantId: `${conversationId}-a`,
    });
    await M.finishReply(db, { id: `${conversationId}-a`, content: reply, status: "complete" });
  };

  // Indexed once (a search indexes the backlog first), then edited: the old text leaves the index.
  await C.createConversation(db, { id: "c1", userId, title: "Lighthouses", model: "GLM-4-Air" });
  await turn("c1", "tell me about lighthouses", "Fresnel lenses focus the light");
  assert.equal(backlog(client) > 0, true, "writes wait in the backlog");
  assert.deepEqual(await ids("fresnel"), ["c1"]);
  assert.equal(backlog(client), 0, "the search indexed them first");

  // Written, then edited, renamed, continued and deleted before any indexing round.
  await C.createConversation(db, { id: "c2", userId, title: "Volcanoes", model: "GLM-4-Air" });
  await turn("c2", "tell me about volcanoes", "Basalt flows and tephra");
  await C.renameConversation(db, { userId, id: "c2", title: "Calderas" });
  await turn("c2", "what about obsidian", "Obsidian is volcanic glass"); // the same user message id: an edit
  await C.createConversation(db, { id: "c3", userId, title: "Glaciers", model: "GLM-4-Air" });
  await turn("c3", "tell me about moraines", "Moraines are ridges of till");
  assert.ok(
    await M.resumeReply(db, { userId, conversationId: "c3", replyId: "c3-a" }),
    "Continue, still in the backlog",
  );
  await C.createConversation(db, { id: "c4", userId, title: "Deserts", model: "GLM-4-Air" });
  await turn("c4", "tell me about ergs", "Ergs are seas of sand dunes");
  assert.ok(await C.deleteConversation(db, { userId, id: "c4" }));
  await M.finishReply(db, {
    id: "c1-a",
    content: "Fresnel lenses, rewritten with catadioptric prisms",
    status: "complete",
  });

  indexBacklog(client);
  assert.equal(backlog(client), 0);
  assert.deepEqual(await ids("obsidian"), ["c2"]);
  assert.deepEqual(await ids("calderas"), ["c2"], "the title as renamed");
  assert.deepEqual(await ids("volcanoes"), [], "neither the old title nor the edited message");
  assert.deepEqual(await ids("basalt"), [], "the reply the edit dropped");
  assert.deepEqual(await ids("moraines"), ["c3"], "the user's message stays; the continued reply waits");
  assert.deepEqual(await ids("ridges of till"), [], "a reply that streams again is not searchable");
  assert.deepEqual(await ids("sand dunes"), []);
  assert.deepEqual(await ids("deserts"), []);
  assert.deepEqual(await ids("catadioptric"), ["c1"]);
  assert.deepEqual(await ids("focus the light"), []);
  await M.finishReply(db, { id: "c3-a", content: "Moraines are ridges of till, and drumlins", status: "complete" });
  assert.deepEqual(await ids("drumlins"), ["c3"]);
  assertIndexesMatchTheirRows(client);
  client.close();
});

test("a backlog left by a process that stopped is indexed when the database opens again", async () => {
  const file = path.join(dir, "b.db");
  const first = await open(file);
  const C = await import("@/db/queries/conversations");
  const M = await import("@/db/queries/messages");
  const { createUser } = await import("@/db/queries/users");
  const userId = (await createUser(first.db, { email: "b@example.com", passwordHash: null })).id;
  await C.createConversation(first.db, { id: "k1", userId, title: "Kelp forests", model: "GLM-4-Air" });
  await M.startTurn(first.db, {
    userId,
    conversationId: "k1",
    model: "GLM-4-Air",
    user: { id: "k1-u", content: "sea otters" },
    assistantId: "k1-a",
  });
  await M.finishReply(first.db, { id: "k1-a", content: "Otters wrap themselves in kelp", status: "complete" });
  assert.ok(backlog(first.client) > 0);
  await new Promise((r) => setImmediate(r)); // the turn's writes commit, as in a running server
  first.client.close(); // no indexing round ran

  const again = await open(file);
  assert.equal(backlog(again.client), 0, "indexed as it opened");
  assertIndexesMatchTheirRows(again.client);
  const found = await C.searchConversations(again.db, { userId, query: "sea otters", limit: 50 });
  assert.deepEqual(
    found.map((c) => c.id),
    ["k1"],
  );
  const reply = await C.searchConversations(again.db, { userId, query: "wrap themselves", limit: 50 });
  assert.deepEqual(
    reply.map((c) => c.id),
    ["k1"],
  );
  again.client.close();
});
