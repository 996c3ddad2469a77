/**
 * The attachments' query layer on a real database (in-memory SQLite, and PostgreSQL when TEST_DATABASE_URL
 * is set): a message takes only its sender's pending files, within the limits; share snapshots name them and
 * a continued copy does not take the owner's documents; deleting a conversation or an account takes them along.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { alsoOnPostgres, openTestDatabase } from "../support/engines";

let db: import("@/db").Db;
let A: typeof import("@/db/queries/attachments");
let M: typeof import("@/db/queries/messages");
let S: typeof import("@/db/queries/shares");
let C: typeof import("@/db/queries/conversations");
let alice = "";
let bob = "";
const limits = { maxFiles: 10, maxBytes: 20 * 1024 * 1024 };

let close: () => Promise<void>;
after(() => close?.());
alsoOnPostgres(__filename);

before(async () => {
  ({ db, close } = await openTestDatabase());
  A = await import("@/db/queries/attachments");
  M = await import("@/db/queries/messages");
  S = await import("@/db/queries/shares");
  C = await import("@/db/queries/conversations");
  const { createUser } = await import("@/db/queries/users");
  alice = (await createUser(db, { email: "alice-att@example.com", passwordHash: null })).id;
  bob = (await createUser(db, { email: "bob-att@example.com", passwordHash: null })).id;
});

const upload = (userId: string, name: string, text: string, size = text.length) =>
  A.createAttachment(db, { userId, name, mediaType: "text/plain", size, pages: null, text });

async function conversationWith(userId: string, id: string, ids: string[]) {
  await M.startConversation(db, {
    conversation: { id, userId, title: id, model: "GLM-4-Flash" },
    user: { id: `${id}-u`, content: "read these", attachments: { ids, ...limits } },
    assistantId: `${id}-a`,
  });
  await M.finishReply(db, { id: `${id}-a`, content: "done", status: "complete" });
}

describe("claiming", () => {
  test("a message takes its sender's pending files; anyone else's, or a sent one, fails the whole turn", async () => {
    const a = await upload(alice, "a.txt", "AAA");
    const theirs = await upload(bob, "b.txt", "BBB");
    await assert.rejects(conversationWith(alice, "c-steal", [a.id, theirs.id]), A.AttachmentsUnavailable);
    assert.equal(await C.getConversation(db, { userId: alice, id: "c-steal" }), undefined);
    assert.equal((await A.getAttachment(db, { userId: alice, id: a.id }))!.messageId, null);

    await conversationWith(alice, "c1", [a.id]);
    assert.equal((await A.getAttachment(db, { userId: alice, id: a.id }))!.messageId, "c1-u");
    assert.equal(await A.getAttachment(db, { userId: bob, id: a.id }), undefined);
    await assert.rejects(conversationWith(alice, "c-again", [a.id]), A.AttachmentsUnavailable);
    const texts = await A.textsOfConversation(db, { userId: alice, conversationId: "c1" });
    assert.deepEqual(texts, [{ messageId: "c1-u", name: "a.txt", text: "AAA" }]);
    assert.deepEqual(await A.textsOfConversation(db, { userId: bob, conversationId: "c1" }), []);
  });

  test("over 20 MB together or over 10 files: refused", async () => {
    const big1 = await upload(alice, "1.txt", "x", 11 * 1024 * 1024);
    const big2 = await upload(alice, "2.txt", "y", 11 * 1024 * 1024);
    await assert.rejects(conversationWith(alice, "c-big", [big1.id, big2.id]), (e: unknown) => {
      return e instanceof A.AttachmentsUnavailable && e.reason === "too_large";
    });
    const many = await Promise.all(Array.from({ length: 11 }, (_, i) => upload(alice, `${i}.txt`, "z")));
    await assert.rejects(
      conversationWith(
        alice,
        "c-many",
        many.map((m) => m.id),
      ),
      (e: unknown) => {
        return e instanceof A.AttachmentsUnavailable && e.reason === "too_many";
      },
    );
  });

  test("summaries carry sizes and text lengths in characters and UTF-8 bytes", async () => {
    const cjk = await upload(alice, "中文.txt", "汉字汉字");
    await conversationWith(alice, "c-cjk", [cjk.id]);
    const [s] = await A.summariesOfMessages(db, { userId: alice, messageIds: ["c-cjk-u"] });
    assert.equal(s.chars, 4);
    assert.equal(s.bytes, 12);
    assert.deepEqual(await A.summariesOfMessages(db, { userId: bob, messageIds: ["c-cjk-u"] }), []);
  });
});

describe("what an account may keep", () => {
  const limited = (
    userId: string,
    name: string,
    size: number,
    limits: import("@/db/queries/attachments").AttachmentLimits,
  ) => A.createAttachment(db, { userId, name, mediaType: "text/plain", size, pages: null, text: name }, limits);
  const refusedFor = (limit: "pending" | "quota") => (e: unknown) =>
    e instanceof A.AttachmentLimitReached && e.limit === limit;

  test("unsent uploads up to a count and a size; an hour-old one left in a closed composer makes room", async () => {
    const { createUser } = await import("@/db/queries/users");
    const carol = (await createUser(db, { email: "carol-att@example.com", passwordHash: null })).id;
    const limits = { pendingFiles: 3, pendingBytes: 1000, totalBytes: 0 };
    await limited(carol, "1.txt", 100, limits);
    await limited(carol, "2.txt", 100, limits);
    await assert.rejects(limited(carol, "big.txt", 801, limits), refusedFor("pending"));
    await limited(carol, "3.txt", 100, limits);
    await assert.rejects(limited(carol, "4.txt", 1, limits), refusedFor("pending"));
    // Bob's uploads are his own count.
    await limited(bob, "bobs.txt", 100, limits);
    // One of Carol's is an hour old now: it goes, and the new one is kept.
    const { attachments } = await import("@/db/tables");
    const { and, eq } = await import("drizzle-orm");
    await db
      .update(attachments)
      .set({ createdAt: Date.now() - 61 * 60_000 })
      .where(and(eq(attachments.userId, carol), eq(attachments.name, "1.txt")));
    await limited(carol, "4.txt", 1, limits);
    const names = await db.select({ name: attachments.name }).from(attachments).where(eq(attachments.userId, carol));
    assert.deepEqual(names.map((r) => r.name).sort(), ["2.txt", "3.txt", "4.txt"]);
  });

  test("all of an account's documents, sent ones too, up to the quota", async () => {
    const { createUser } = await import("@/db/queries/users");
    const dan = (await createUser(db, { email: "dan-att@example.com", passwordHash: null })).id;
    const limits = { pendingFiles: 10, pendingBytes: 10_000, totalBytes: 500 };
    const sent = await limited(dan, "sent.txt", 400, limits);
    await conversationWith(dan, "c-dan", [sent.id]);
    await assert.rejects(limited(dan, "more.txt", 101, limits), refusedFor("quota"));
    await limited(dan, "fits.txt", 100, limits);
  });
});

describe("shares, deletes and sweeps", () => {
  test("a snapshot names the files; a continued copy leaves the owner's documents behind", async () => {
    const f = await upload(alice, "plan.md", "PLAN");
    await conversationWith(alice, "c-share", [f.id]);
    const share = (await S.createShare(db, { userId: alice, conversationId: "c-share" }))!;
    const pub = (await S.getPublicShare(db, { shareId: share.id }))!;
    assert.deepEqual(pub.snapshot.messages[0].attachments, [{ id: f.id, name: "plan.md", size: 4, pages: null }]);
    const { attachments } = await import("@/db/tables");
    const { eq } = await import("drizzle-orm");
    const bobsFiles = () => db.select({ id: attachments.id }).from(attachments).where(eq(attachments.userId, bob));
    const before = await bobsFiles();
    let n = 0;
    const copy = (await S.copyShareToConversation(db, {
      userId: bob,
      shareId: share.id,
      newId: "c-copy",
      messageId: () => `copy-${n++}`,
    }))!;
    // The share page shows Bob only the file's name: its text must not reach his account or his prompts.
    assert.deepEqual(await A.textsOfConversation(db, { userId: bob, conversationId: copy }), []);
    assert.deepEqual(await A.summariesOfMessages(db, { userId: bob, messageIds: ["copy-0", "copy-1"] }), []);
    assert.deepEqual(await bobsFiles(), before);
    // The conversation itself comes along, and Alice's file is untouched.
    const msgs = (await M.listMessages(db, { userId: bob, conversationId: copy }))!;
    assert.deepEqual(
      msgs.map((m) => [m.role, m.content]),
      [
        ["user", "read these"],
        ["assistant", "done"],
      ],
    );
    assert.ok(await A.getAttachment(db, { userId: alice, id: f.id }));
  });

  test("deleting the conversation deletes its files; the account deletes pending ones too", async () => {
    const f = await upload(alice, "gone.txt", "GONE");
    await conversationWith(alice, "c-del", [f.id]);
    assert.ok(await C.deleteConversation(db, { userId: alice, id: "c-del" }));
    assert.equal(await A.getAttachment(db, { userId: alice, id: f.id }), undefined);

    const pending = await upload(bob, "pending.txt", "P");
    assert.equal(await A.deletePendingAttachment(db, { userId: alice, id: pending.id }), false);
    const { users } = await import("@/db/tables");
    const { eq } = await import("drizzle-orm");
    await db.delete(users).where(eq(users.id, bob));
    assert.equal(await A.getAttachment(db, { userId: bob, id: pending.id }), undefined);
  });

  test("old pending uploads are swept, sent ones stay", async () => {
    const old = await upload(alice, "old.txt", "OLD");
    const kept = await A.summariesOfMessages(db, { userId: alice, messageIds: ["c1-u"] });
    assert.ok((await A.sweepPendingAttachments(db, { before: Date.now() + 1000 })) >= 1);
    assert.equal(await A.getAttachment(db, { userId: alice, id: old.id }), undefined);
    assert.deepEqual(await A.summariesOfMessages(db, { userId: alice, messageIds: ["c1-u"] }), kept);
  });
});
