import "server-only";
import { createHash } from "node:crypto";
import type { ImportSource } from "./schema";

/**
 * Imported rows get ids derived from what they are, so importing the same file again finds them instead of
 * adding copies: a conversation's id from (user, source, id in the file), a message's from (conversation,
 * position). 132 bits of SHA-256, base64url: the same alphabet and length range as the app's own ids. The user
 * is part of it, so two accounts importing one file never collide.
 */
const digest = (...parts: string[]) =>
  createHash("sha256").update(parts.join("\u0000")).digest("base64url").slice(0, 22);

export const importedConversationId = (userId: string, source: ImportSource, sourceId: string) =>
  digest("conversation", userId, source, sourceId);

export const importedMessageId = (conversationId: string, index: number) =>
  digest("message", conversationId, String(index));
