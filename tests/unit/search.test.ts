/**
 * Conversation search against a real database: in-memory SQLite with the FTS5 trigram indexes, and (npm
 * TEST_DATABASE_URL set) PostgreSQL with pg_trgm and CJK grams in a child process. Same cases, same results.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { alsoOnPostgres, openTestDatabase } from "../support/engines";

let C: typeof import("@/db/queries/conversations");
let db: import("@/db").Db;
let M: typeof import("@/db/queries/messages");
let alice = "";
let bob = "";

let close: () => Promise<void>;
after(() => close?.());
alsoOnPostgres(__filename);

before(async () => {
  ({ db, close } = await openTestDatabase());
  C = await import("@/db/queries/conversations");
  M = await import("@/db/queries/messages");
  const { createUser } = await import("@/db/queries/users");
  alice = (await createUser(db, { email: "alice@example.com", passwordHash: null })).id;
  bob = (await createUser(db, { email: "bob@example.com", passwordHash: null })).id;
  const add = async (userId: string, id: string, title: string, text: string) => {
    await C.createConversation(db, { id, userId, title, model: "GLM-4-Air" });
    await M.startTurn(db, {
      userId,
      conversationId: id,
      model: "GLM-4-Air",
      user: { id: `${id}-u`, content: text },
      assistantId: `${id}-a`,
    });
    await M.finishReply(db, { id: `${id}-a`, content: `Reply about ${text}`, status: "complete" });
  };
  await add(alice, "a1", "Kyoto trip", "京都の紅葉を見に行きたい");
  await add(alice, "a2", "Databases", "How do database indexes work?");
  for (let i = 0; i < 60; i++) await add(alice, `bulk${i}`, `Note ${i}`, `the common database word ${i}`);
  await add(bob, "b1", "Bob's database", "my secret database plan");
});

describe("searchConversations", () => {
  test("finds message text and titles, only among the user's own conversations", async () => {
    const ids = (await C.searchConversations(db, { userId: alice, query: "紅葉を", limit: 50 })).map((c) => c.id);
    assert.deepEqual(ids, ["a1"]);
    assert.deepEqual(
      (await C.searchConversations(db, { userId: alice, query: "kyoto", limit: 50 })).map((c) => c.id),
      ["a1"],
    );
    assert.ok(!(await C.searchConversations(db, { userId: alice, query: "secret database", limit: 50 })).length);
    assert.deepEqual(
      (await C.searchConversations(db, { userId: bob, query: "database", limit: 50 })).map((c) => c.id),
      ["b1"],
    );
  });

  test("a common word returns at most `limit`, newest first", async () => {
    const found = await C.searchConversations(db, { userId: alice, query: "database", limit: 20 });
    assert.equal(found.length, 20);
    const times = found.map((c) => c.updatedAt);
    assert.deepEqual(
      times,
      [...times].sort((x, y) => y - x),
    );
  });

  test("two-character queries (CJK) use the fallback scan", async () => {
    assert.deepEqual(
      (await C.searchConversations(db, { userId: alice, query: "紅葉", limit: 50 })).map((c) => c.id),
      ["a1"],
    );
    assert.deepEqual(
      (await C.searchConversations(db, { userId: alice, query: "京", limit: 50 })).map((c) => c.id),
      ["a1"],
    );
  });

  test("quotes and wildcards in the query are taken literally", async () => {
    assert.deepEqual(await C.searchConversations(db, { userId: alice, query: '"database" OR *', limit: 50 }), []);
    assert.deepEqual(await C.searchConversations(db, { userId: alice, query: "100%", limit: 50 }), []);
  });

  test("control characters and any FTS5 syntax give results or nothing, never an error", async () => {
    // A NUL used to end FTS5's string early: "unterminated string" (SqliteError) from the search box.
    assert.deepEqual(
      (await C.searchConversations(db, { userId: alice, query: "data\u0000base", limit: 50 })).length,
      0,
    );
    assert.deepEqual(
      (await C.searchConversations(db, { userId: alice, query: "kyoto\u0000", limit: 50 })).map((c) => c.id),
      ["a1"],
    );
    assert.deepEqual(await C.searchConversations(db, { userId: alice, query: "\u0000\u0000\u0000", limit: 50 }), []);
    const nasty = [
      '"',
      '""',
      "*",
      "NEAR(",
      "NEAR(a b, 3)",
      "a AND b",
      "NOT",
      "^",
      ":",
      "a:b",
      "(",
      ")",
      "-",
      "-x",
      "{a b}:c",
      "\r\n\t",
      "\u007f\u0085",
      "\ud800x",
      "x\udfff",
      "'; drop table users; --",
      "\\",
      "%_%",
      "紅\u0000葉",
    ];
    for (const q of nasty) {
      await assert.doesNotReject(
        () => C.searchConversations(db, { userId: alice, query: q, limit: 50 }),
        `query ${JSON.stringify(q)}`,
      );
    }
  });
});

describe("search results show the words around the match", () => {
  const snippetOf = async (query: string, userId = alice) =>
    Object.fromEntries(
      (await C.searchConversations(db, { userId, query, limit: 50 })).map((c) => [c.id, c.snippet ?? null]),
    );

  test("from the newest message that matches, case-insensitively, none for a title match", async () => {
    // The reply is newer than the question: its words are shown.
    assert.deepEqual(await snippetOf("DATABASE INDEXES"), { a2: "Reply about How do database indexes work?" });
    assert.deepEqual(await snippetOf("紅葉"), { a1: "Reply about 京都の紅葉を見に行きたい" });
    assert.deepEqual(await snippetOf("kyoto trip"), { a1: null });
    // Another user's message never gives a snippet, nor a result.
    assert.deepEqual(await snippetOf("secret database plan"), {});
    assert.deepEqual(await snippetOf("secret database plan", bob), { b1: "Reply about my secret database plan" });
  });

  test("cut around the match in a long message, on one line", async () => {
    await C.createConversation(db, { id: "long1", userId: alice, title: "Long one", model: "GLM-4-Long" });
    const before = "word ".repeat(2_000);
    const text = `${before}the rare\n\ntelescope  aperture ${"after ".repeat(2_000)}`;
    await M.startTurn(db, {
      userId: alice,
      conversationId: "long1",
      model: "GLM-4-Long",
      user: { id: "long1-u", content: text },
      assistantId: "long1-a",
    });
    await M.finishReply(db, { id: "long1-a", content: "Noted.", status: "complete" });
    const { long1 } = await snippetOf("Telescope");
    assert.ok(long1, "a snippet");
    assert.ok(long1.startsWith("…word word") && long1.endsWith("after…"), long1);
    assert.match(long1, /word the rare telescope aperture after/);
    assert.ok(long1.length <= 122, `${long1.length} characters`);
    // At the very start of a message: nothing is cut before it.
    assert.ok((await snippetOf("Noted"))?.long1?.startsWith("Noted."));
  });
});

describe("short CJK queries use the character index", () => {
  test("one and two characters, Chinese and Japanese, including a pair across the end of a run", async () => {
    const { cjkGrams } = await import("@/db/search/cjk");
    assert.equal(cjkGrams("量子计算 and 東京"), "量 量子 子 子计 计 计算 算 東 東京 京");
    assert.deepEqual(
      (await C.searchConversations(db, { userId: alice, query: "紅葉", limit: 50 })).map((c) => c.id),
      ["a1"],
    );
    assert.deepEqual(
      (await C.searchConversations(db, { userId: alice, query: "葉", limit: 50 })).map((c) => c.id),
      ["a1"],
    );
    assert.deepEqual(
      (await C.searchConversations(db, { userId: alice, query: "見に", limit: 50 })).map((c) => c.id),
      ["a1"],
    );
    assert.deepEqual(await C.searchConversations(db, { userId: bob, query: "紅葉", limit: 50 }), []);
  });

  test("an edited message is found by its new text only", async () => {
    await M.startTurn(db, {
      userId: alice,
      conversationId: "a2",
      model: "GLM-4-Air",
      user: { id: "a2-u", content: "量子の話" },
      assistantId: "a2-a2",
    });
    assert.deepEqual(
      (await C.searchConversations(db, { userId: alice, query: "量子", limit: 50 })).map((c) => c.id),
      ["a2"],
    );
    assert.ok(
      !(await C.searchConversations(db, { userId: alice, query: "database indexes", limit: 50 })).some(
        (c) => c.id === "a2",
      ),
    );
  });
});

describe("search while a reply streams", () => {
  test("a reply is searchable once it ends, leaves the index while it is continued, and deletes cleanly", async () => {
    const ids = async (q: string) =>
      (await C.searchConversations(db, { userId: alice, query: q, limit: 50 })).map((c) => c.id);
    await C.createConversation(db, { id: "s1", userId: alice, title: "Streaming", model: "GLM-4-Air" });
    await M.startTurn(db, {
      userId: alice,
      conversationId: "s1",
      model: "GLM-4-Air",
      user: { id: "s1-u", content: "tell me" },
      assistantId: "s1-a",
    });
    await M.saveReplyProgress(db, { id: "s1-a", content: "the zanzibar archipelago" });
    assert.deepEqual(await ids("zanzibar"), [], "not indexed while it streams");
    await M.saveReplyProgress(db, { id: "s1-a", content: "the zanzibar archipelago 桜前線 and more" });
    assert.ok((await M.interruptStreamingReplies(db)) >= 1);
    assert.deepEqual(await ids("zanzibar"), ["s1"], "indexed with its text once it stops streaming");
    assert.deepEqual(await ids("桜"), ["s1"], "one-character CJK search too");

    assert.ok(
      await M.resumeReply(db, { userId: alice, conversationId: "s1", replyId: "s1-a" }),
      "Continue takes it up again",
    );
    assert.deepEqual(await ids("zanzibar"), []);
    await M.finishReply(db, {
      id: "s1-a",
      content: "the zanzibar archipelago 桜前線 and more, continued with okavango",
      status: "complete",
    });
    assert.deepEqual(await ids("okavango"), ["s1"]);
    assert.deepEqual(await ids("zanzibar"), ["s1"]);

    // Editing the user message drops the reply: the index forgets it without complaint.
    await M.startTurn(db, {
      userId: alice,
      conversationId: "s1",
      model: "GLM-4-Air",
      user: { id: "s1-u", content: "edited" },
      assistantId: "s1-b",
    });
    assert.deepEqual(await ids("okavango"), []);
    assert.deepEqual(await ids("桜"), []);
  });
});
