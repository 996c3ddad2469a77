/**
 * The data queries on a real database (in-memory SQLite; PostgreSQL too when TEST_DATABASE_URL is set):
 * importing writes conversations that the sidebar's list and search find, a second import adds nothing,
 * the export reads only the owner's rows, and deleting an account removes exactly that account's rows.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { alsoOnPostgres, openTestDatabase } from "../support/engines";
import type { ImportBatch } from "@/lib/data/schema";

let db: import("@/db").Db;
let close: () => Promise<void>;
let T: typeof import("@/db/tables");
let alice = "";
let bob = "";

after(() => close?.());
alsoOnPostgres(__filename);

before(async () => {
  ({ db, close } = await openTestDatabase());
  T = await import("@/db/tables");
  const { createUser } = await import("@/db/queries/users");
  alice = (await createUser(db, { email: "alice@example.com", passwordHash: null })).id;
  bob = (await createUser(db, { email: "bob@example.com", passwordHash: null })).id;
});

const t0 = Date.UTC(2025, 4, 1);
const batch = (source: ImportBatch["source"], ids: string[], offset = 0): ImportBatch => ({
  source,
  conversations: ids.map((id, n) => ({
    sourceId: id,
    title: `紅葉 trip ${id}`,
    model: "GLM-4-Air",
    settings: { temperature: 0.5 },
    createdAt: t0 + n,
    updatedAt: t0 + n + 1000,
    offset,
    messages: [
      { role: "user", content: `question ${id} 京都`, model: null, status: "complete", createdAt: t0 + n },
      {
        role: "assistant",
        content: `answer ${id}`,
        model: "gpt-4o",
        status: "complete",
        createdAt: t0 + n + 1,
        attachments: [{ name: "a.txt", mediaType: "text/plain", size: 1, text: "a" }],
      },
    ],
  })),
});

describe("import", () => {
  test("writes conversations the list and search find, messages in order, and the second time adds nothing", async () => {
    const { importForUser } = await import("@/lib/data/import");
    const C = await import("@/db/queries/conversations");
    const M = await import("@/db/queries/messages");
    const first = await importForUser(alice, batch("chatgpt", ["c1", "c2"]));
    assert.deepEqual(first, { imported: 2, existing: 0, existingIds: [] });
    const again = await importForUser(alice, batch("chatgpt", ["c1", "c2", "c3"]));
    assert.deepEqual(again, { imported: 1, existing: 2, existingIds: ["c1", "c2"] });
    const list = await C.listConversations(db, { userId: alice, limit: 50 });
    assert.deepEqual(list.items.map((c) => c.title).sort(), ["紅葉 trip c1", "紅葉 trip c2", "紅葉 trip c3"]);
    const found = await C.searchConversations(db, { userId: alice, query: "question c2", limit: 10 });
    assert.deepEqual(
      found.map((c) => c.title),
      ["紅葉 trip c2"],
    );
    const messages = await M.listMessages(db, { userId: alice, conversationId: found[0].id });
    assert.deepEqual(
      messages?.map((m) => [m.role, m.content, m.model, m.createdAt]),
      [
        ["user", "question c2 京都", null, t0 + 1],
        ["assistant", "answer c2", "gpt-4o", t0 + 2],
      ],
    );
  });

  test("a later slice appends to its conversation; the same ids for another user are another conversation", async () => {
    const { importForUser } = await import("@/lib/data/import");
    const M = await import("@/db/queries/messages");
    const C = await import("@/db/queries/conversations");
    await importForUser(bob, batch("chatgpt", ["long"]));
    await importForUser(bob, batch("chatgpt", ["long"], 2));
    await importForUser(bob, batch("chatgpt", ["long"], 2)); // a retried slice adds nothing
    const [c] = (await C.listConversations(db, { userId: bob, limit: 5 })).items;
    const messages = await M.listMessages(db, { userId: bob, conversationId: c.id });
    assert.equal(messages?.length, 4);
    // Bob's "c1" is his own, not Alice's.
    assert.deepEqual(await importForUser(bob, batch("chatgpt", ["c1"])), { imported: 1, existing: 0, existingIds: [] });
  });

  test("our own archive: a conversation still here under its original id is already there", async () => {
    const { importForUser } = await import("@/lib/data/import");
    const C = await import("@/db/queries/conversations");
    await C.createConversation(db, { id: "original-1", userId: alice, title: "Mine", model: "GLM-4-Air" });
    assert.deepEqual(await importForUser(alice, batch("glm-chat", ["original-1"])), {
      imported: 0,
      existing: 1,
      existingIds: ["original-1"],
    });
    // Someone else's id is not "already there" for Bob: he gets his own copy.
    assert.equal((await importForUser(bob, batch("glm-chat", ["original-1"]))).imported, 1);
  });
});

describe("documents", () => {
  test("an archive's attachments are stored with their messages, once, and come back in the export", async () => {
    const { importForUser } = await import("@/lib/data/import");
    const { exportConversation } = await import("@/db/queries/data-export");
    const { eq } = await import("drizzle-orm");
    const { createUser } = await import("@/db/queries/users");
    const carol = (await createUser(db, { email: "carol@example.com", passwordHash: null })).id;
    const files = () => db.select().from(T.attachments).where(eq(T.attachments.userId, carol));
    const first = await importForUser(carol, batch("glm-chat", ["d1"]));
    assert.equal(first.imported, 1);
    await importForUser(carol, batch("glm-chat", ["d1"]));
    const stored = await files();
    assert.equal(stored.length, 1, "imported twice, stored once");
    assert.equal(stored[0].name, "a.txt");
    const conversation = (await db.select().from(T.conversations).where(eq(T.conversations.userId, carol)))[0];
    const exported = await exportConversation(db, { userId: carol, id: conversation.id });
    const withFile = exported?.messages.find((m) => m.attachments?.length);
    assert.deepEqual(withFile?.attachments, [
      { name: "a.txt", mediaType: "text/plain", size: 1, pages: null, text: "a" },
    ]);
    assert.equal(await exportConversation(db, { userId: alice, id: conversation.id }), undefined);
  });
  test("a message's documents keep their order through an export and an import", async () => {
    const { importForUser } = await import("@/lib/data/import");
    const { exportConversation } = await import("@/db/queries/data-export");
    const { eq } = await import("drizzle-orm");
    const { createUser } = await import("@/db/queries/users");
    const dave = (await createUser(db, { email: "dave@example.com", passwordHash: null })).id;
    const names = ["report.pdf", "memo.docx", "notes.txt", "readme.md", "data.csv", "zeta.txt", "alpha.txt"];
    const archive = batch("glm-chat", ["ordered"]);
    archive.conversations[0].messages[1].attachments = names.map((name) => ({
      name,
      mediaType: "text/plain",
      size: 1,
      text: name,
    }));
    await importForUser(dave, archive);
    const conversation = (await db.select().from(T.conversations).where(eq(T.conversations.userId, dave)))[0];
    const exported = await exportConversation(db, { userId: dave, id: conversation.id });
    const back = exported?.messages.find((m) => m.attachments?.length)?.attachments?.map((a) => a.name);
    assert.deepEqual(back, names);
  });
});

describe("export", () => {
  test("one conversation, only its owner's; pages of everything in order", async () => {
    const E = await import("@/db/queries/data-export");
    assert.equal(await E.exportConversation(db, { userId: bob, id: "original-1" }), undefined);
    const mine = await E.exportConversation(db, { userId: alice, id: "original-1" });
    assert.equal(mine?.conversation.title, "Mine");
    const seen: string[] = [];
    let afterSeq = 0;
    for (;;) {
      const page = await E.exportPage(db, { userId: alice, afterSeq, limit: 2 });
      if (page.lastSeq === null) break;
      for (const item of page.items) {
        assert.equal(item.conversation.userId, alice);
        for (const m of item.messages) assert.equal(m.conversationId, item.conversation.id);
        seen.push(item.conversation.title);
      }
      afterSeq = page.lastSeq;
    }
    assert.equal(seen.length, 4);
    assert.equal(new Set(seen).size, 4);
  });
});

describe("deleteAccount", () => {
  test("removes the user's conversations, messages, shares, keys, usage and sessions, and nobody else's", async () => {
    const { deleteAccount } = await import("@/db/queries/account");
    const { createShare } = await import("@/db/queries/shares");
    const { insertKey } = await import("@/db/queries/keys");
    const { insertSession } = await import("@/db/queries/sessions");
    const C = await import("@/db/queries/conversations");
    for (const [userId, tag] of [
      [alice, "a"],
      [bob, "b"],
    ] as const) {
      const [c] = (await C.listConversations(db, { userId, limit: 1 })).items;
      assert.ok(await createShare(db, { userId, conversationId: c.id }));
      await insertKey(db, { id: `key-${tag}`, userId, name: "k", prefix: `p${tag}`, hash: `h${tag}`, expiresAt: null });
      await insertSession(db, { id: `session-${tag}`, userId, now: t0, expiresAt: t0 + 1e12, userAgent: null });
      await db.insert(T.usage).values({
        createdAt: t0,
        userId,
        apiKeyId: `key-${tag}`,
        source: "api",
        model: "GLM-4-Air",
        stream: false,
        status: 200,
        durationMs: 5,
      });
      await db.insert(T.usageHourly).values({
        hour: t0,
        userId,
        apiKeyId: `key-${tag}`,
        source: "api",
        model: "GLM-4-Air",
        requests: 1,
        errors: 0,
        promptTokens: 1,
        completionTokens: 1,
        ttftSum: 0,
        ttftCount: 0,
      });
    }
    const counts = async (userId: string) => {
      const { eq, inArray } = await import("drizzle-orm");
      const owned = db
        .select({ id: T.conversations.id })
        .from(T.conversations)
        .where(eq(T.conversations.userId, userId));
      return {
        users: (await db.select().from(T.users).where(eq(T.users.id, userId))).length,
        conversations: (await owned).length,
        messages: (await db.select().from(T.messages).where(inArray(T.messages.conversationId, owned))).length,
        shares: (await db.select().from(T.shares).where(eq(T.shares.userId, userId))).length,
        keys: (await db.select().from(T.apiKeys).where(eq(T.apiKeys.userId, userId))).length,
        usage: (await db.select().from(T.usage).where(eq(T.usage.userId, userId))).length,
        hourly: (await db.select().from(T.usageHourly).where(eq(T.usageHourly.userId, userId))).length,
        sessions: (await db.select().from(T.sessions).where(eq(T.sessions.userId, userId))).length,
      };
    };
    const bobBefore = await counts(bob);
    const aliceBefore = await counts(alice);
    const deleted = await deleteAccount(db, { userId: alice });
    assert.deepEqual(deleted, {
      conversations: aliceBefore.conversations,
      messages: aliceBefore.messages,
      shares: 1,
      keys: 1,
      usage: 1,
      sessions: 1,
    });
    assert.deepEqual(await counts(alice), {
      users: 0,
      conversations: 0,
      messages: 0,
      shares: 0,
      keys: 0,
      usage: 0,
      hourly: 0,
      sessions: 0,
    });
    assert.deepEqual(await counts(bob), bobBefore);
    assert.ok(bobBefore.messages > 0 && bobBefore.shares === 1 && bobBefore.hourly === 1);
  });
});
