/**
 * A chat turn's writes in the query layer (db/queries/messages.ts): a new conversation's first turn and the
 * later ones — a new message, an edit of an earlier one, a regenerate — and what each hands the model. SQLite
 * runs them as prepared statements (db/engines/turn-sqlite.ts), PostgreSQL through the query builder: the
 * same cases on both.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { alsoOnPostgres, openTestDatabase } from "../support/engines";

let db: import("@/db").Db;
let M: typeof import("@/db/queries/messages");
let C: typeof import("@/db/queries/conversations");
let alice = "";
let bob = "";
let close: () => Promise<void>;
after(() => close?.());
alsoOnPostgres(__filename);

before(async () => {
  ({ db, close } = await openTestDatabase());
  M = await import("@/db/queries/messages");
  C = await import("@/db/queries/conversations");
  const { createUser } = await import("@/db/queries/users");
  alice = (await createUser(db, { email: "alice@example.com", passwordHash: null })).id;
  bob = (await createUser(db, { email: "bob@example.com", passwordHash: null })).id;
});

const said = (history: { role: string; content: string }[] | undefined) =>
  history?.map((m) => `${m.role}: ${m.content}`);
const saved = async (conversationId: string) =>
  (await M.listMessages(db, { userId: alice, conversationId }))?.map((m) => `${m.role}/${m.status}: ${m.content}`);

test("first turn, next turns, an edit and a regenerate: what is saved and what the model is given", async () => {
  const first = await M.startConversation(db, {
    conversation: { id: "t1", userId: alice, title: "Tides", model: "GLM-4-Air" },
    user: { id: "t1-u1", content: "why two tides?" },
    assistantId: "t1-a1",
  });
  assert.equal(first.conversation.title, "Tides");
  assert.deepEqual(first.conversation.settings, {});
  assert.deepEqual(said(first.history), ["user: why two tides?"]);
  await M.finishReply(db, { id: "t1-a1", content: "The Moon.", status: "complete" });

  const turn = (user: { id: string; content: string } | undefined, assistantId: string, model = "GLM-4-Plus") =>
    M.startTurn(db, { userId: alice, conversationId: "t1", model, user, assistantId });
  assert.deepEqual(said(await turn({ id: "t1-u2", content: "and the Sun?" }, "t1-a2")), [
    "user: why two tides?",
    "assistant: The Moon.",
    "user: and the Sun?",
  ]);
  assert.equal((await C.getConversation(db, { userId: alice, id: "t1" }))?.model, "GLM-4-Plus");
  await M.finishReply(db, { id: "t1-a2", content: "Spring tides.", status: "complete" });

  // An edit of the first message drops everything after it.
  assert.deepEqual(said(await turn({ id: "t1-u1", content: "why are there tides?" }, "t1-a3")), [
    "user: why are there tides?",
  ]);
  assert.deepEqual(await saved("t1"), ["user/complete: why are there tides?", "assistant/streaming: "]);
  await M.finishReply(db, { id: "t1-a3", content: "Gravity.", status: "complete" });

  // Regenerate: the reply after the last user message goes, a new placeholder takes its place.
  assert.deepEqual(said(await turn(undefined, "t1-a4", "GLM-4-Flash")), ["user: why are there tides?"]);
  assert.deepEqual(await saved("t1"), ["user/complete: why are there tides?", "assistant/streaming: "]);
  assert.equal((await C.getConversation(db, { userId: alice, id: "t1" }))?.model, "GLM-4-Flash");
});

test("someone else's conversation, or nothing to answer: no turn, nothing written", async () => {
  await C.createConversation(db, { id: "t2", userId: alice, title: "Empty", model: "GLM-4-Air" });
  assert.equal(
    await M.startTurn(db, {
      userId: bob,
      conversationId: "t1",
      model: "GLM-4-Air",
      user: { id: "t2-x", content: "hi" },
      assistantId: "t2-y",
    }),
    undefined,
  );
  assert.equal(
    await M.startTurn(db, { userId: alice, conversationId: "t2", model: "GLM-4-Air", assistantId: "t2-z" }),
    undefined,
  );
  assert.deepEqual(await saved("t2"), []);
  assert.equal(await M.conversationOfMessage(db, { messageId: "t2-x" }), undefined);
  assert.equal(await M.conversationOfMessage(db, { messageId: "t1-u1" }), "t1");
  // A first turn on a taken id fails whole: no message of it is left.
  await assert.rejects(
    M.startConversation(db, {
      conversation: { id: "t1", userId: bob, title: "Mine", model: "GLM-4-Air" },
      user: { id: "t2-b", content: "hello" },
      assistantId: "t2-c",
    }),
  );
  assert.equal(await M.conversationOfMessage(db, { messageId: "t2-b" }), undefined);
});
