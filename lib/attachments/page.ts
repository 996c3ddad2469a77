import "server-only";
import type { Db } from "@/db";
import { summariesOfMessages } from "@/db/queries/attachments";
import type { Message } from "@/db/schema";
import { type ChatUIMessage, toUIMessage } from "@/lib/chat/types";
import { contextTokensOf } from "@/lib/tokens";
import type { AttachmentInfo } from "./limits";

/** A page of messages for the browser, each user message with its documents' chips (one query per page). */
export async function toUIMessagesWithFiles(db: Db, userId: string, page: Message[]): Promise<ChatUIMessage[]> {
  const ids = page.filter((m) => m.role === "user").map((m) => m.id);
  const byMessage = new Map<string, AttachmentInfo[]>();
  for (const a of await summariesOfMessages(db, { userId, messageIds: ids })) {
    if (!a.messageId) continue;
    const list = byMessage.get(a.messageId) ?? [];
    list.push({
      id: a.id,
      name: a.name,
      mediaType: a.mediaType,
      size: a.size,
      pages: a.pages,
      tokens: contextTokensOf(a.chars, a.bytes),
    });
    byMessage.set(a.messageId, list);
  }
  return page.map((m) => toUIMessage(m, byMessage.get(m.id)));
}
