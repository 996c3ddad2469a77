import "server-only";
import { and, asc, eq, gt, inArray } from "drizzle-orm";
import type { Db } from "@/db";
import { attachments, conversations, messages } from "@/db/tables";
import type { Conversation, Message } from "@/db/schema";

/** Reading conversations out, whole: the owner in every WHERE, messages in the order they were written. */

export interface ExportedAttachment {
  name: string;
  mediaType: string;
  size: number;
  pages: number | null;
  text: string;
}

export interface ExportedConversation {
  conversation: Conversation;
  messages: (Message & { attachments?: ExportedAttachment[] })[];
}

/** The documents of these messages (the user's own), grouped by message, oldest first. */
async function attachmentsOf(db: Db, userId: string, messageIds: string[]) {
  const byMessage = new Map<string, ExportedAttachment[]>();
  for (let i = 0; i < messageIds.length; i += 500) {
    const rows = await db
      .select({
        messageId: attachments.messageId,
        name: attachments.name,
        mediaType: attachments.mediaType,
        size: attachments.size,
        pages: attachments.pages,
        text: attachments.text,
      })
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

const withAttachments = (rows: Message[], byMessage: Map<string, ExportedAttachment[]>) =>
  rows.map((m) => (byMessage.has(m.id) ? { ...m, attachments: byMessage.get(m.id) } : m));

export async function exportConversation(
  db: Db,
  { userId, id }: { userId: string; id: string },
): Promise<ExportedConversation | undefined> {
  const [conversation] = await db
    .select()
    .from(conversations)
    .where(and(eq(conversations.userId, userId), eq(conversations.id, id)))
    .limit(1);
  if (!conversation) return undefined;
  const rows = await db.select().from(messages).where(eq(messages.conversationId, id)).orderBy(asc(messages.seq));
  const files = await attachmentsOf(
    db,
    userId,
    rows.map((m) => m.id),
  );
  return { conversation, messages: withAttachments(rows, files) };
}

/**
 * One page of the user's conversations with their messages, oldest first, after the conversation whose seq
 * is `afterSeq`: the export of everything walks these pages so that only one page is in memory at a time.
 */
export async function exportPage(
  db: Db,
  { userId, afterSeq, limit }: { userId: string; afterSeq: number; limit: number },
): Promise<{ items: ExportedConversation[]; lastSeq: number | null }> {
  const page = await db
    .select()
    .from(conversations)
    .where(and(eq(conversations.userId, userId), gt(conversations.seq, afterSeq)))
    .orderBy(asc(conversations.seq))
    .limit(limit);
  if (!page.length) return { items: [], lastSeq: null };
  const rows = await db
    .select()
    .from(messages)
    .where(
      inArray(
        messages.conversationId,
        page.map((c) => c.id),
      ),
    )
    .orderBy(asc(messages.seq));
  const files = await attachmentsOf(
    db,
    userId,
    rows.map((m) => m.id),
  );
  const byConversation = new Map<string, ExportedConversation["messages"]>(page.map((c) => [c.id, []]));
  for (const m of withAttachments(rows, files)) byConversation.get(m.conversationId)?.push(m);
  return {
    items: page.map((conversation) => ({ conversation, messages: byConversation.get(conversation.id) ?? [] })),
    lastSeq: page.at(-1)!.seq,
  };
}
