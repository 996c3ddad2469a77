import "server-only";
import { randomBytes } from "node:crypto";
import { and, asc, desc, eq } from "drizzle-orm";
import { first, transaction, type Db } from "@/db";
import { conversations, messages, shares } from "@/db/tables";
import type { Share, SharedAttachment, ShareSnapshot } from "@/db/schema";
import { summariesOfMessages } from "./attachments";

export const newShareId = () => randomBytes(18).toString("base64url");

export type ShareInfo = Pick<Share, "id" | "conversationId" | "title" | "createdAt" | "updatedAt">;
const info = {
  id: shares.id,
  conversationId: shares.conversationId,
  title: shares.title,
  createdAt: shares.createdAt,
  updatedAt: shares.updatedAt,
};

type Owned = { userId: string; conversationId: string };
const ownedShare = ({ userId, conversationId }: Owned) =>
  and(eq(shares.userId, userId), eq(shares.conversationId, conversationId));

/** The conversation as it is now, or undefined when it is not this user's. */
async function snapshotOf(
  db: Db,
  { userId, conversationId }: Owned,
): Promise<{ title: string; snapshot: ShareSnapshot } | undefined> {
  const c = first(
    await db
      .select()
      .from(conversations)
      .where(and(eq(conversations.userId, userId), eq(conversations.id, conversationId)))
      .limit(1),
  );
  if (!c) return undefined;
  const rows = await db
    .select()
    .from(messages)
    .where(eq(messages.conversationId, conversationId))
    .orderBy(asc(messages.seq));
  const files = new Map<string, SharedAttachment[]>();
  const userIds = rows.filter((m) => m.role === "user").map((m) => m.id);
  for (const a of await summariesOfMessages(db, { userId, messageIds: userIds })) {
    if (!a.messageId) continue;
    files.set(a.messageId, [
      ...(files.get(a.messageId) ?? []),
      { id: a.id, name: a.name, size: a.size, pages: a.pages },
    ]);
  }
  return {
    title: c.title,
    snapshot: {
      model: c.model,
      // Failed or empty replies say nothing worth sharing.
      messages: rows
        .filter((m) => m.content.trim() || files.has(m.id))
        .map((m) => ({
          role: m.role,
          content: m.content,
          model: m.model,
          status: m.status,
          // A reply's reasoning and web sources are part of what it said.
          ...(m.reasoning ? { reasoning: m.reasoning, reasoningMs: m.reasoningMs } : {}),
          ...(m.sources?.length ? { sources: m.sources } : {}),
          ...(files.has(m.id) ? { attachments: files.get(m.id) } : {}),
        })),
    },
  };
}

export async function getShareOfConversation(db: Db, owned: Owned): Promise<ShareInfo | undefined> {
  return first(await db.select(info).from(shares).where(ownedShare(owned)).limit(1));
}

/** Creates the conversation's link, or returns the one it has. */
export function createShare(db: Db, owned: Owned): Promise<ShareInfo | undefined> {
  return transaction(db, async (tx) => {
    const existing = await getShareOfConversation(tx, owned);
    if (existing) return existing;
    const snap = await snapshotOf(tx, owned);
    if (!snap) return undefined;
    return first(
      await tx
        .insert(shares)
        .values({ id: newShareId(), ...owned, ...snap })
        .returning(info),
    );
  });
}

/** Replaces the snapshot with the conversation as it is now; same id, same URL. */
export function updateShare(db: Db, owned: Owned): Promise<ShareInfo | undefined> {
  return transaction(db, async (tx) => {
    const snap = await snapshotOf(tx, owned);
    if (!snap) return undefined;
    return first(
      await tx
        .update(shares)
        .set({ ...snap, updatedAt: Date.now() })
        .where(ownedShare(owned))
        .returning(info),
    );
  });
}

export async function deleteShare(db: Db, { userId, shareId }: { userId: string; shareId: string }): Promise<boolean> {
  return (
    (
      await db
        .delete(shares)
        .where(and(eq(shares.userId, userId), eq(shares.id, shareId)))
        .returning({ id: shares.id })
    ).length > 0
  );
}

export function listShares(db: Db, { userId }: { userId: string }): Promise<ShareInfo[]> {
  return db.select(info).from(shares).where(eq(shares.userId, userId)).orderBy(desc(shares.createdAt));
}

/** For the public page: no owner, no conversation id. */
export async function getPublicShare(
  db: Db,
  { shareId }: { shareId: string },
): Promise<Pick<Share, "id" | "title" | "snapshot" | "createdAt" | "updatedAt"> | undefined> {
  if (!/^[A-Za-z0-9_-]{20,40}$/.test(shareId)) return undefined;
  return first(
    await db
      .select({
        id: shares.id,
        title: shares.title,
        snapshot: shares.snapshot,
        createdAt: shares.createdAt,
        updatedAt: shares.updatedAt,
      })
      .from(shares)
      .where(eq(shares.id, shareId))
      .limit(1),
  );
}

/**
 * A reader's own copy of a shared snapshot: a new conversation with the same messages and model. The owner's
 * attached documents stay behind: the share page shows only their names, and the owner was never told their
 * text would go to whoever holds the link. The replies that read them are copied as they were written.
 */
export function copyShareToConversation(
  db: Db,
  { userId, shareId, newId, messageId }: { userId: string; shareId: string; newId: string; messageId: () => string },
): Promise<string | undefined> {
  return transaction(db, async (tx) => {
    const share = await getPublicShare(tx, { shareId });
    if (!share) return undefined;
    await tx.insert(conversations).values({ id: newId, userId, title: share.title, model: share.snapshot.model });
    for (const m of share.snapshot.messages) {
      await tx.insert(messages).values({
        id: messageId(),
        conversationId: newId,
        role: m.role,
        content: m.content,
        model: m.model,
        status: m.status === "streaming" ? "stopped" : m.status,
        reasoning: m.reasoning ?? null,
        reasoningMs: m.reasoningMs ?? null,
        sources: m.sources?.length ? m.sources : null,
      });
    }
    return newId;
  });
}
