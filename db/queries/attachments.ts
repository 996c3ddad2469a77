import "server-only";
import { randomBytes } from "node:crypto";
import { and, asc, count, eq, inArray, isNull, lt, sql } from "drizzle-orm";
import { first, type Db } from "@/db";
import { engine } from "@/db/engine";
import { sqliteTurn } from "@/db/engines/turn-sqlite";
import { attachments, conversations, messages } from "@/db/tables";

/** Every query takes the owner and puts it in the WHERE: another user's attachment is simply not found. */

export const newAttachmentId = () => randomBytes(18).toString("base64url");

/** What lists and chips need; the text is read only by the viewer and the turn. */
export interface AttachmentSummary {
  id: string;
  messageId: string | null;
  name: string;
  mediaType: string;
  size: number;
  pages: number | null;
  /** Characters and UTF-8 bytes of the extracted text (for the token estimate). */
  chars: number;
  bytes: number;
}

const summary = {
  id: attachments.id,
  messageId: attachments.messageId,
  name: attachments.name,
  mediaType: attachments.mediaType,
  size: attachments.size,
  pages: attachments.pages,
  chars: sql<number>`length(${attachments.text})`.mapWith(Number),
  // octet_length: PostgreSQL, and SQLite since 3.43 (better-sqlite3 12 ships 3.5x).
  bytes: sql<number>`octet_length(${attachments.text})`.mapWith(Number),
};

/** An attachment as a document: what an export carries. */
const content = {
  name: attachments.name,
  mediaType: attachments.mediaType,
  size: attachments.size,
  pages: attachments.pages,
  text: attachments.text,
};
export interface AttachmentContent {
  name: string;
  mediaType: string;
  size: number;
  pages: number | null;
  text: string;
}

/** The documents of some of the user's messages, with their text, grouped by message, oldest first. */
export async function contentsOfMessages(
  db: Db,
  { userId, messageIds }: { userId: string; messageIds: string[] },
): Promise<Map<string, AttachmentContent[]>> {
  const byMessage = new Map<string, AttachmentContent[]>();
  for (let i = 0; i < messageIds.length; i += 500) {
    const rows = await db
      .select({ messageId: attachments.messageId, ...content })
      .from(attachments)
      .where(and(eq(attachments.userId, userId), inArray(attachments.messageId, messageIds.slice(i, i + 500))))
      .orderBy(asc(attachments.createdAt), asc(attachments.id));
    for (const { messageId, ...a } of rows) {
      if (!messageId) continue;
      const list = byMessage.get(messageId) ?? [];
      list.push(a);
      byMessage.set(messageId, list);
    }
  }
  return byMessage;
}

/** What an account may keep: its unsent uploads (count, bytes) and all its documents (bytes; 0 = no limit). */
export interface AttachmentLimits {
  pendingFiles: number;
  pendingBytes: number;
  totalBytes: number;
}

const ABANDONED_AFTER_MS = 60 * 60_000;

/** An upload refused by AttachmentLimits: which one it passed. */
export class AttachmentLimitReached extends Error {
  constructor(readonly limit: "pending" | "quota") {
    super(`attachment ${limit} limit reached`);
  }
}

/** An uploaded, not yet sent attachment, if the account's limits leave room for it. */
export async function createAttachment(
  db: Db,
  row: { userId: string; name: string; mediaType: string; size: number; pages: number | null; text: string },
  limits?: AttachmentLimits,
): Promise<AttachmentSummary> {
  const t = engine().text;
  const values = { ...row, id: newAttachmentId(), name: t(row.name), text: t(row.text) };
  // Checked, then written, with nothing awaited between but the queries themselves: on SQLite no other request
  // runs in between; on PostgreSQL uploads sent at the same moment can each pass the check, by one file each.
  if (limits) await checkRoom(db, row.userId, row.size, limits);
  await db.insert(attachments).values(values);
  return { ...values, messageId: null, chars: values.text.length, bytes: Buffer.byteLength(values.text) };
}

async function checkRoom(db: Db, userId: string, size: number, limits: AttachmentLimits) {
  const pendingOf = async () => {
    const [p] = await db
      .select({ files: count(), bytes: sql<number>`coalesce(sum(${attachments.size}), 0)` })
      .from(attachments)
      .where(and(eq(attachments.userId, userId), isNull(attachments.messageId)));
    return p.files + 1 > limits.pendingFiles || Number(p.bytes) + size > limits.pendingBytes;
  };
  if (await pendingOf()) {
    // Uploads left in a composer that was closed are this account's own to reclaim before the daily sweep: an
    // hour is longer than anyone takes to send what they attached.
    await db
      .delete(attachments)
      .where(
        and(
          eq(attachments.userId, userId),
          isNull(attachments.messageId),
          lt(attachments.createdAt, Date.now() - ABANDONED_AFTER_MS),
        ),
      );
    if (await pendingOf()) throw new AttachmentLimitReached("pending");
  }
  if (!limits.totalBytes) return;
  const [all] = await db
    .select({ bytes: sql<number>`coalesce(sum(${attachments.size}), 0)` })
    .from(attachments)
    .where(eq(attachments.userId, userId));
  if (Number(all.bytes) + size > limits.totalBytes) throw new AttachmentLimitReached("quota");
}

export async function getAttachment(
  db: Db,
  { userId, id }: { userId: string; id: string },
): Promise<(AttachmentSummary & { text: string }) | undefined> {
  return first(
    await db
      .select({ ...summary, text: attachments.text })
      .from(attachments)
      .where(and(eq(attachments.userId, userId), eq(attachments.id, id)))
      .limit(1),
  );
}

/** Removes a pending attachment (the composer's Remove); a sent one stays with its message. */
export async function deletePendingAttachment(
  db: Db,
  { userId, id }: { userId: string; id: string },
): Promise<boolean> {
  const rows = await db
    .delete(attachments)
    .where(and(eq(attachments.userId, userId), eq(attachments.id, id), isNull(attachments.messageId)))
    .returning({ id: attachments.id });
  return rows.length > 0;
}

/** Pending attachments nobody sent: everyone's older than `before` (ms). Returns how many went. */
export async function sweepPendingAttachments(db: Db, { before }: { before: number }): Promise<number> {
  const rows = await db
    .delete(attachments)
    .where(and(isNull(attachments.messageId), lt(attachments.createdAt, before)))
    .returning({ id: attachments.id });
  return rows.length;
}

/** Why a message's attachments could not be taken; lib/chat/turn.ts words it. */
export class AttachmentsUnavailable extends Error {
  constructor(readonly reason: "missing" | "too_many" | "too_large") {
    super(`attachments ${reason}`);
  }
}

/** The pending attachments a new message takes, and the per-message limits they must keep. */
export interface AttachmentClaim {
  ids: string[];
  maxFiles: number;
  maxBytes: number;
}

/**
 * Inside the turn's transaction: the user's pending attachments `ids` now belong to `messageId`. Throws
 * AttachmentsUnavailable when one is not this user's, already sent or swept, or the set is over the limits.
 */
export async function claimAttachments(
  tx: Db,
  input: { userId: string; messageId: string } & AttachmentClaim,
): Promise<void> {
  const ids = [...new Set(input.ids)];
  if (!ids.length) return;
  if (ids.length > input.maxFiles) throw new AttachmentsUnavailable("too_many");
  const mine = and(eq(attachments.userId, input.userId), inArray(attachments.id, ids), isNull(attachments.messageId));
  const rows = await tx.select({ size: attachments.size }).from(attachments).where(mine);
  if (rows.length !== ids.length) throw new AttachmentsUnavailable("missing");
  if (rows.reduce((n, r) => n + r.size, 0) > input.maxBytes) throw new AttachmentsUnavailable("too_large");
  await tx.update(attachments).set({ messageId: input.messageId }).where(mine);
}

/** The attachments of some of the user's messages (a page of a conversation), oldest first. */
export async function summariesOfMessages(
  db: Db,
  { userId, messageIds }: { userId: string; messageIds: string[] },
): Promise<AttachmentSummary[]> {
  if (!messageIds.length) return [];
  return db
    .select(summary)
    .from(attachments)
    .where(and(eq(attachments.userId, userId), inArray(attachments.messageId, messageIds)))
    .orderBy(asc(attachments.createdAt), asc(attachments.id));
}

/** Names and texts of a conversation's attachments, for the prompt of a turn (owner checked by the join). */
export function textsOfConversation(
  db: Db,
  { userId, conversationId }: { userId: string; conversationId: string },
): Promise<{ messageId: string | null; name: string; text: string }[]> {
  const hot = sqliteTurn(db);
  if (hot) return Promise.resolve(hot.documents(userId, conversationId));
  return db
    .select({ messageId: attachments.messageId, name: attachments.name, text: attachments.text })
    .from(attachments)
    .innerJoin(messages, eq(messages.id, attachments.messageId))
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .where(and(eq(conversations.id, conversationId), eq(conversations.userId, userId)))
    .orderBy(asc(attachments.createdAt), asc(attachments.id));
}
