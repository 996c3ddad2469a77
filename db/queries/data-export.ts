import "server-only";
import { and, asc, eq, gt, inArray } from "drizzle-orm";
import type { Db } from "@/db";
import { type AttachmentContent, contentsOfMessages } from "@/db/queries/attachments";
import { conversations, messages } from "@/db/tables";
import type { Conversation, Message } from "@/db/schema";

/** Reading conversations out, whole: the owner in every WHERE, messages in the order they were written. */

export type ExportedAttachment = AttachmentContent;

export interface ExportedConversation {
  conversation: Conversation;
  messages: (Message & { attachments?: ExportedAttachment[] })[];
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
  const files = await contentsOfMessages(db, { userId, messageIds: rows.map((m) => m.id) });
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
  const files = await contentsOfMessages(db, { userId, messageIds: rows.map((m) => m.id) });
  const byConversation = new Map<string, ExportedConversation["messages"]>(page.map((c) => [c.id, []]));
  for (const m of withAttachments(rows, files)) byConversation.get(m.conversationId)?.push(m);
  return {
    items: page.map((conversation) => ({ conversation, messages: byConversation.get(conversation.id) ?? [] })),
    lastSeq: page.at(-1)!.seq,
  };
}
