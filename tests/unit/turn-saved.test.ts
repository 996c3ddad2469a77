/**
 * A reload just after sending a message: the conversation's page waits for the turn of the reply it will
 * resume to be written (`replies().turnSaved`), or it lists the reply without its question. The reply's slot
 * is claimed before the turn's writes, and on PostgreSQL those are a transaction away. Both engines; on
 * PostgreSQL also a reply that another instance runs (known by its claim row only).
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { alsoOnPostgres, openTestDatabase, testEngine } from "../support/engines";

let db: import("@/db").Db;
let M: typeof import("@/db/queries/messages");
let replies: typeof import("@/lib/chat/replies").replies;
let LiveReply: typeof import("@/lib/chat/live-replies").LiveReply;
let userId = "";
let close: () => Promise<void>;
after(() => close?.());
alsoOnPostgres(__filename);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  ({ db, close } = await openTestDatabase());
  M = await import("@/db/queries/messages");
  ({ replies } = await import("@/lib/chat/replies"));
  ({ LiveReply } = await import("@/lib/chat/live-replies"));
  const { createUser } = await import("@/db/queries/users");
  userId = (await createUser(db, { email: "ada@example.com", passwordHash: null })).id;
});

/** A conversation with one finished turn. */
async function conversation(id: string) {
  await M.startConversation(db, {
    conversation: { id, userId, title: "Tides", model: "GLM-4-Air" },
    user: { id: `${id}-u1`, content: "why two tides?" },
    assistantId: `${id}-a1`,
  });
  await M.finishReply(db, { id: `${id}-a1`, content: "The Moon.", status: "complete" });
}

/** The second turn of conversation `id`: the question `${id}-u2` and the reply `${id}-a2`. */
const secondTurn = (id: string) =>
  M.startTurn(db, {
    userId,
    conversationId: id,
    model: "GLM-4-Air",
    user: { id: `${id}-u2`, content: "and the Sun?" },
    assistantId: `${id}-a2`,
  });

/** Whether `p` has settled, after the event loop had a chance to settle it. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(() => (done = true));
  await sleep(30);
  return done;
}

test("no live reply: nothing to wait for", async () => {
  await conversation("c0");
  assert.equal(await settled(replies().turnSaved(userId, "c0")), true);
});

test("a reply claimed on this instance: the page waits until its turn is written", async () => {
  await conversation("c1");
  const reply = new LiveReply("c1-a2", "c1", userId, async () => {});
  assert.equal(await replies().claim(reply), true);
  const waiting = replies().turnSaved(userId, "c1");
  assert.equal(await settled(waiting), false, "listed before the question was written");
  await secondTurn("c1");
  reply.markSaved();
  assert.equal(await settled(waiting), true);
  // Someone else's conversation id says nothing about this user's.
  assert.equal(await settled(replies().turnSaved("someone-else", "c1")), true);
  await replies().release(reply);
});

test("another instance's reply (PostgreSQL): the page waits until the reply's row is in the database", {
  skip: testEngine !== "postgres" && "one instance on SQLite",
}, async () => {
  await conversation("c2");
  const { claimReply, pgClient } = await import("@/db/queries/live-replies");
  const claimed = await claimReply(pgClient(db), {
    userId,
    conversationId: "c2",
    messageId: "c2-a2",
    instanceId: "another-instance",
    staleMs: 15_000,
  });
  assert.ok(claimed);
  const started = Date.now();
  const waiting = replies().turnSaved(userId, "c2");
  await sleep(150);
  await secondTurn("c2");
  await waiting;
  const waited = Date.now() - started;
  assert.ok(waited >= 140 && waited < 2000, `waited ${waited} ms`);
});
