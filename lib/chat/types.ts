import type { UIMessage } from "ai";
import type { Message, MessageStatus } from "@/db/schema";
import type { AttachmentInfo } from "@/lib/attachments/limits";
import { sourcePartsOf } from "./thinking";

/*
 * The shapes components use, re-exported here so that components import types from lib/<domain>/types and
 * never reach into db/ (type-only: no database code reaches the browser's bundle either way).
 */
export type { ConversationSettings, MessageSource, MessageStatus, SharedAttachment } from "@/db/schema";
export type { ConversationListItem, ConversationPage } from "@/db/queries/conversations";
export type { ShareInfo } from "@/db/queries/shares";

/** What the browser knows about each message beyond its text. */
export interface ChatMessageMetadata {
  /** The GLM-4 model that wrote an assistant reply. */
  model?: string;
  status?: MessageStatus;
  error?: string | null;
  /** How long a thinking reply thought before answering ("Thought for N s"). */
  reasoningMs?: number | null;
  /** Documents sent with a user's message (names, sizes, token estimates; never their text). */
  attachments?: AttachmentInfo[];
}

export type ChatUIMessage = UIMessage<ChatMessageMetadata>;

export function toUIMessage(m: Message, attachments?: AttachmentInfo[]): ChatUIMessage {
  return {
    id: m.id,
    role: m.role,
    // As the live stream builds it: reasoning, then the answer, then the sources.
    parts: [
      ...(m.reasoning ? [{ type: "reasoning" as const, text: m.reasoning, state: "done" as const }] : []),
      ...(m.content ? [{ type: "text" as const, text: m.content }] : []),
      ...sourcePartsOf(m.sources),
    ],
    metadata: {
      model: m.model ?? undefined,
      ...(m.reasoningMs != null ? { reasoningMs: m.reasoningMs } : {}),
      status: m.status,
      error: m.error,
      ...(attachments?.length ? { attachments } : {}),
    },
  };
}

export function textOf(message: Pick<UIMessage, "parts">): string {
  return message.parts.map((p) => (p.type === "text" ? p.text : "")).join("");
}

/** A conversation setting's field name, and the settings form's errors by field (lib/chat/settings.ts). */
export type SettingsField = keyof import("./settings").SettingsInput;
export type SettingsErrors = Partial<Record<SettingsField, string>>;
