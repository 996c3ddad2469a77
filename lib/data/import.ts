import "server-only";
import { getDb } from "@/db";
import { importBatch, type ImportedSliceRow } from "@/db/queries/data-import";
import { importedConversationId, importedMessageId } from "./ids";
import type { ImportBatch, ImportBatchResult } from "./schema";

/**
 * One checked batch (lib/data/schema.ts ImportBatch) written for `userId` in one transaction, with ids
 * derived from the user, the source and the file's ids (lib/data/ids.ts) so that a second import adds nothing.
 */
export async function importForUser(userId: string, batch: ImportBatch): Promise<ImportBatchResult> {
  const slices: ImportedSliceRow[] = batch.conversations.map((c) => {
    const id = importedConversationId(userId, batch.source, c.sourceId);
    return {
      id,
      // Our own archive carries the conversation's real id: if it is still this user's, it is already here.
      sameAs: batch.source === "glm-chat" ? [c.sourceId] : [],
      sourceId: c.sourceId,
      offset: c.offset,
      title: c.title,
      model: c.model,
      settings: c.settings,
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
      messages: c.messages.map((m, i) => ({ ...m, id: importedMessageId(id, c.offset + i) })),
    };
  });
  return importBatch(getDb(), { userId, slices });
}
