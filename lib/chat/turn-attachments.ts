import "server-only";
import type { Db } from "@/db";
import { type AttachmentsUnavailable, getAttachment, textsOfConversation } from "@/db/queries/attachments";
import { AppError } from "@/lib/errors";

/** The words for a turn whose attachments cannot be taken; the composer keeps the message and the files. */
export function unavailable(err: AttachmentsUnavailable): AppError {
  if (err.reason === "too_many") return new AppError("invalid_request_error", "A message can carry 10 files at most.");
  if (err.reason === "too_large")
    return new AppError("request_too_large", "A message's files can add up to 20 MB at most.");
  return new AppError("conflict", "An attached file is no longer available. Remove it and attach it again.");
}

/** A title for a message sent with files and no text: its first file's name. */
export async function attachmentNames(db: Db, userId: string, ids: string[] | undefined): Promise<string> {
  const first = ids?.[0] && (await getAttachment(db, { userId, id: ids[0] }));
  return first ? first.name : "";
}

/**
 * The documents of the conversation's messages by message id, for the prompt. Skipped (no query) only when this
 * request created the conversation with a first message without files, the common case. Not by the history's
 * length: Regenerate, Retry or an edit of a first message has a history of one message too, and sends no file
 * ids, yet its files belong in the prompt.
 */
export async function attachmentTexts(
  db: Db,
  userId: string,
  conversationId: string,
  turn: { created: boolean; files: string[] | undefined },
): Promise<Map<string, { name: string; text: string }[]>> {
  const byMessage = new Map<string, { name: string; text: string }[]>();
  if (turn.created && !turn.files) return byMessage;
  for (const row of await textsOfConversation(db, { userId, conversationId })) {
    if (!row.messageId) continue;
    const list = byMessage.get(row.messageId) ?? [];
    list.push({ name: row.name, text: row.text });
    byMessage.set(row.messageId, list);
  }
  return byMessage;
}
