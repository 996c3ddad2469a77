/** Conversation search against a real in-memory SQLite with the FTS5 trigram indexes. */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";

process.env.DATABASE_URL = ":memory:";
process.env.AUTH_SECRET = "test";

let C: typeof import("@/db/queries/conversations");
let M: typeof import("@/db/queries/messages");
let alice = "";
let bob = "";

before(async () => {
  C = await import("@/db/queries/conversations");
  M = await import("@/db/queries/messages");
  const { createUser } = await import("@/db/queries/users");
  alice = createUser("alice@example.com", null).id;
  bob = createUser("bob@example.com", null).id;
  const add = (userId: string, id: string, title: string, text: string) => {
    C.createConversation({ id, userId, title, model: "GLM-4-Air" });
    M.startTurn({ userId, conversationId: id, model: "GLM-4-Air", user: { id: `${id}-u`, content: text }, assistantId: `${id}-a` });
    M.finishReply(`${id}-a`, `Reply about ${text}`, "complete");
  };
  add(alice, "a1", "Kyoto trip", "京都の紅葉を見に行きたい");
  add(alice, "a2", "Databases", "How do database indexes work?");
  for (let i = 0; i < 60; i++) add(alice, `bulk${i}`, `Note ${i}`, `the common database word ${i}`);
  add(bob, "b1", "Bob's database", "my secret database plan");
});

describe("searchConversations", () => {
  test("finds message text and titles, only among the user's own conversations", () => {
    const ids = C.searchConversations(alice, "紅葉を", 50).map((c) => c.id);
    assert.deepEqual(ids, ["a1"]);
    assert.deepEqual(C.searchConversations(alice, "kyoto", 50).map((c) => c.id), ["a1"]);
    assert.ok(!C.searchConversations(alice, "secret database", 50).length);
    assert.deepEqual(C.searchConversations(bob, "database", 50).map((c) => c.id), ["b1"]);
  });

  test("a common word returns at most `limit`, newest first", () => {
    const found = C.searchConversations(alice, "database", 20);
    assert.equal(found.length, 20);
    const times = found.map((c) => c.updatedAt);
    assert.deepEqual(times, [...times].sort((x, y) => y - x));
  });

  test("two-character queries (CJK) use the fallback scan", () => {
    assert.deepEqual(C.searchConversations(alice, "紅葉", 50).map((c) => c.id), ["a1"]);
    assert.deepEqual(C.searchConversations(alice, "京", 50).map((c) => c.id), ["a1"]);
  });

  test("quotes and wildcards in the query are taken literally", () => {
    assert.deepEqual(C.searchConversations(alice, '"database" OR *', 50), []);
    assert.deepEqual(C.searchConversations(alice, "100%", 50), []);
  });

  test("control characters and any FTS5 syntax give results or nothing, never an error", () => {
    // A NUL used to end FTS5's string early: "unterminated string" (SqliteError) from the search box.
    assert.deepEqual(C.searchConversations(alice, "data\u0000base", 50).length, 0);
    assert.deepEqual(C.searchConversations(alice, "kyoto\u0000", 50).map((c) => c.id), ["a1"]);
    assert.deepEqual(C.searchConversations(alice, "\u0000\u0000\u0000", 50), []);
    const nasty = ['"', '""', "*", "NEAR(", "NEAR(a b, 3)", "a AND b", "NOT", "^", ":", "a:b", "(", ")", "-", "-x",
      "{a b}:c", "\r\n\t", "\u007f\u0085", "\ud800x", "x\udfff", "'; drop table users; --", "\\", "%_%", "紅\u0000葉"];
    for (const q of nasty) assert.doesNotThrow(() => C.searchConversations(alice, q, 50), `query ${JSON.stringify(q)}`);
  });
});

describe("short CJK queries use the character index", () => {
  test("one and two characters, Chinese and Japanese, including a pair across the end of a run", async () => {
    const { cjkGrams } = await import("@/lib/search/cjk");
    assert.equal(cjkGrams("量子计算 and 東京"), "量 量子 子 子计 计 计算 算 東 東京 京");
    assert.deepEqual(C.searchConversations(alice, "紅葉", 50).map((c) => c.id), ["a1"]);
    assert.deepEqual(C.searchConversations(alice, "葉", 50).map((c) => c.id), ["a1"]);
    assert.deepEqual(C.searchConversations(alice, "見に", 50).map((c) => c.id), ["a1"]);
    assert.deepEqual(C.searchConversations(bob, "紅葉", 50), []);
  });

  test("an edited message is found by its new text only", () => {
    M.startTurn({ userId: alice, conversationId: "a2", model: "GLM-4-Air", user: { id: "a2-u", content: "量子の話" },
      assistantId: "a2-a2" });
    assert.deepEqual(C.searchConversations(alice, "量子", 50).map((c) => c.id), ["a2"]);
    assert.ok(!C.searchConversations(alice, "database indexes", 50).some((c) => c.id === "a2"));
  });
});

describe("search while a reply streams", () => {
  test("a reply is searchable once it ends, leaves the index while it is continued, and deletes cleanly", () => {
    const ids = (q: string) => C.searchConversations(alice, q, 50).map((c) => c.id);
    C.createConversation({ id: "s1", userId: alice, title: "Streaming", model: "GLM-4-Air" });
    M.startTurn({ userId: alice, conversationId: "s1", model: "GLM-4-Air", user: { id: "s1-u", content: "tell me" }, assistantId: "s1-a" });
    M.saveReplyProgress("s1-a", "the zanzibar archipelago");
    assert.deepEqual(ids("zanzibar"), [], "not indexed while it streams");
    M.saveReplyProgress("s1-a", "the zanzibar archipelago 桜前線 and more");
    assert.ok(M.interruptStreamingReplies() >= 1);
    assert.deepEqual(ids("zanzibar"), ["s1"], "indexed with its text once it stops streaming");
    assert.deepEqual(ids("桜"), ["s1"], "one-character CJK search too");

    assert.ok(M.resumeReply({ userId: alice, conversationId: "s1", replyId: "s1-a" }), "Continue takes it up again");
    assert.deepEqual(ids("zanzibar"), []);
    M.finishReply("s1-a", "the zanzibar archipelago 桜前線 and more, continued with okavango", "complete");
    assert.deepEqual(ids("okavango"), ["s1"]);
    assert.deepEqual(ids("zanzibar"), ["s1"]);

    // Editing the user message drops the reply: the index forgets it without complaint.
    M.startTurn({ userId: alice, conversationId: "s1", model: "GLM-4-Air", user: { id: "s1-u", content: "edited" }, assistantId: "s1-b" });
    assert.deepEqual(ids("okavango"), []);
    assert.deepEqual(ids("桜"), []);
  });
});
