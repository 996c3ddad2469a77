import { randomBytes } from "node:crypto";
import { and, asc, desc, eq, sql } from "drizzle-orm";
import { getDb } from "@/db";
import { conversations, messages, shares, type Share, type ShareSnapshot } from "@/db/schema";

const nowMs = sql`(cast(unixepoch('subsec') * 1000 as integer))`;
export const newShareId = () => randomBytes(18).toString("base64url");

export type ShareInfo = Pick<Share, "id" | "conversationId" | "title" | "createdAt" | "updatedAt">;
const info = { id: shares.id, conversationId: shares.conversationId, title: shares.title,
  createdAt: shares.createdAt, updatedAt: shares.updatedAt };

/** The conversation as it is now, or undefined when it is not this user's. */
function snapshotOf(userId: string, conversationId: string): { title: string; snapshot: ShareSnapshot } | undefined {
  const db = getDb();
  const c = db.select().from(conversations)
    .where(and(eq(conversations.userId, userId), eq(conversations.id, conversationId))).get();
  if (!c) return undefined;
  const rows = db.select().from(messages).where(eq(messages.conversationId, conversationId)).orderBy(asc(messages.seq)).all();
  return {
    title: c.title,
    snapshot: {
      model: c.model,
      // Failed or empty replies say nothing worth sharing.
      messages: rows.filter((m) => m.content.trim())
        .map((m) => ({ role: m.role, content: m.content, model: m.model, status: m.status })),
    },
  };
}

export function getShareOfConversation(userId: string, conversationId: string): ShareInfo | undefined {
  return getDb().select(info).from(shares)
    .where(and(eq(shares.userId, userId), eq(shares.conversationId, conversationId))).get();
}

/** Creates the conversation's link, or returns the one it has. */
export function createShare(userId: string, conversationId: string): ShareInfo | undefined {
  return getDb().transaction(() => {
    const existing = getShareOfConversation(userId, conversationId);
    if (existing) return existing;
    const snap = snapshotOf(userId, conversationId);
    if (!snap) return undefined;
    return getDb().insert(shares).values({ id: newShareId(), userId, conversationId, ...snap }).returning(info).get();
  });
}

/** Replaces the snapshot with the conversation as it is now; same id, same URL. */
export function updateShare(userId: string, conversationId: string): ShareInfo | undefined {
  return getDb().transaction(() => {
    const snap = snapshotOf(userId, conversationId);
    if (!snap) return undefined;
    return getDb().update(shares).set({ ...snap, updatedAt: nowMs })
      .where(and(eq(shares.userId, userId), eq(shares.conversationId, conversationId))).returning(info).get();
  });
}

export function deleteShare(userId: string, shareId: string): boolean {
  return getDb().delete(shares).where(and(eq(shares.userId, userId), eq(shares.id, shareId))).run().changes > 0;
}

export function listShares(userId: string): ShareInfo[] {
  return getDb().select(info).from(shares).where(eq(shares.userId, userId)).orderBy(desc(shares.createdAt)).all();
}

/** For the public page: no owner, no conversation id. */
export function getPublicShare(id: string): Pick<Share, "id" | "title" | "snapshot" | "createdAt" | "updatedAt"> | undefined {
  if (!/^[A-Za-z0-9_-]{20,40}$/.test(id)) return undefined;
  return getDb().select({ id: shares.id, title: shares.title, snapshot: shares.snapshot, createdAt: shares.createdAt,
    updatedAt: shares.updatedAt }).from(shares).where(eq(shares.id, id)).get();
}

/** A reader's own copy of a shared snapshot: a new conversation with the same messages and model. */
export function copyShareToConversation(userId: string, shareId: string, newId: string, messageId: () => string): string | undefined {
  const db = getDb();
  return db.transaction((tx) => {
    const share = getPublicShare(shareId);
    if (!share) return undefined;
    tx.insert(conversations).values({ id: newId, userId, title: share.title, model: share.snapshot.model }).run();
    for (const m of share.snapshot.messages) {
      tx.insert(messages).values({ id: messageId(), conversationId: newId, role: m.role, content: m.content,
        model: m.model, status: m.status === "streaming" ? "stopped" : m.status }).run();
    }
    return newId;
  });
}
