/**
 * The shapes of data going out and coming in, as zod schemas shared by the browser and the server (style.md:
 * the same schemas check what comes in and shape what goes out).
 *
 * - `Archive`: our export, versioned: { format: "glm-chat.export", version: 1, exportedAt, conversations }.
 * - `ImportConversation`: one conversation as an import writes it, whatever file it came from (our archive
 *   or ChatGPT's conversations.json, lib/data/chatgpt.ts). The browser converts the file to these, and sends
 *   them in batches (`ImportBatch`) that the server checks again before writing.
 */
import { z } from "zod";
import { ARCHIVE_FORMAT, ARCHIVE_VERSION, IMPORT_LIMITS as L } from "./limits";

export const MESSAGE_STATUSES = ["complete", "streaming", "stopped", "error", "interrupted"] as const;

const finite = z.number().finite();
/** Settings as a conversation stores them; unknown keys are dropped, numbers must be numbers. */
export const ArchiveSettings = z.object({
  systemPrompt: z.string().max(20_000).optional(),
  temperature: finite.min(0).max(2).optional(),
  topP: finite.min(0).max(1).optional(),
  maxTokens: z.number().int().min(1).max(1_000_000).optional(),
  thinking: z.enum(["auto", "on", "off"]).optional(),
  webSearch: z.boolean().optional(),
});

/**
 * A document attached to a message: its name, type, size and extracted text. Parsed and checked on import and
 * carried through to the import's writer (db/queries/data-import.ts), which has no column for it yet.
 */
export const Attachment = z.object({
  name: z.string().min(1).max(L.attachmentNameChars),
  mediaType: z.string().max(127),
  size: z.number().int().min(0),
  pages: z.number().int().min(0).optional(),
  text: z.string().max(L.attachmentTextChars),
});
export type Attachment = z.infer<typeof Attachment>;

const isoTime = z.iso.datetime({ offset: true });

/** Labels lose control characters (PostgreSQL's jsonb refuses U+0000; none belongs in a link's title). */
const noControls = (s: string) => s.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();

/** A page a reply's web search found: only http(s) links (anything else would become a link on import). */
export const Source = z.object({
  url: z
    .string()
    .max(L.sourceUrlChars)
    .regex(/^https?:\/\//i, "a source's url must be http(s)"),
  title: z.string().max(L.sourceTitleChars).transform(noControls),
  site: z.string().max(L.sourceTitleChars).transform(noControls).optional(),
  publishedAt: z.string().max(64).optional(),
});

/** What a thinking, searching reply adds: its reasoning, how long it thought, its sources (all optional). */
const replyExtras = {
  reasoning: z.string().max(L.messageChars).nullable().optional(),
  reasoningMs: z.number().int().min(0).max(86_400_000).nullable().optional(),
  sources: z.array(Source).max(L.sourcesPerMessage).nullable().optional(),
};

export const ArchiveMessage = z.object({
  id: z.string().max(L.idChars).optional(),
  role: z.enum(["user", "assistant"]),
  content: z.string().max(L.messageChars),
  model: z.string().max(L.modelChars).nullable().optional(),
  status: z.enum(MESSAGE_STATUSES).optional(),
  createdAt: isoTime.optional(),
  attachments: z.array(Attachment).max(L.attachmentsPerMessage).optional(),
  ...replyExtras,
});
export type ArchiveMessage = z.infer<typeof ArchiveMessage>;

export const ArchiveConversation = z.object({
  id: z.string().min(1).max(L.idChars),
  title: z.string().max(L.titleChars),
  model: z.string().max(L.modelChars),
  settings: ArchiveSettings.optional(),
  createdAt: isoTime,
  updatedAt: isoTime,
  messages: z.array(ArchiveMessage).max(L.messagesPerConversation),
});
export type ArchiveConversation = z.infer<typeof ArchiveConversation>;

export const Archive = z.object({
  format: z.literal(ARCHIVE_FORMAT),
  version: z.literal(ARCHIVE_VERSION),
  exportedAt: isoTime,
  conversations: z.array(ArchiveConversation).max(L.conversations),
});
export type Archive = z.infer<typeof Archive>;

/** Milliseconds since the epoch, within reason (1990 to 2200): a wild time would sort conversations oddly. */
const ms = z.number().int().min(631_152_000_000).max(7_258_118_400_000);

export const ImportMessage = z.object({
  role: z.enum(["user", "assistant"]),
  content: z.string().max(L.messageChars),
  /** The model that wrote a reply (a ChatGPT export names its own, e.g. "gpt-4o"). */
  model: z.string().max(L.modelChars).nullable(),
  status: z.enum(["complete", "stopped", "error", "interrupted"]),
  createdAt: ms,
  attachments: z.array(Attachment).max(L.attachmentsPerMessage).optional(),
  ...replyExtras,
});
export type ImportMessage = z.infer<typeof ImportMessage>;

export const IMPORT_SOURCES = ["glm-chat", "chatgpt"] as const;
export type ImportSource = (typeof IMPORT_SOURCES)[number];

export const ImportConversation = z.object({
  /** The conversation's id in the file: with the user and the source, it decides the imported id. */
  sourceId: z.string().min(1).max(L.idChars),
  title: z.string().max(L.titleChars),
  model: z.string().max(L.modelChars),
  settings: ArchiveSettings,
  createdAt: ms,
  updatedAt: ms,
  messages: z.array(ImportMessage).max(L.messagesPerConversation),
});
export type ImportConversation = z.infer<typeof ImportConversation>;

/**
 * A slice of one conversation: a conversation too big for one request goes in several, `offset` being the
 * index of its first message in the conversation. The first slice (offset 0) creates the conversation.
 */
export const ImportSlice = ImportConversation.extend({
  offset: z.number().int().min(0).max(L.messagesPerConversation),
});
export type ImportSlice = z.infer<typeof ImportSlice>;

export const ImportBatch = z.object({
  source: z.enum(IMPORT_SOURCES),
  conversations: z.array(ImportSlice).min(1).max(L.conversations),
});
export type ImportBatch = z.infer<typeof ImportBatch>;

/** The server's answer to a batch: per slice, whether its conversation was new (imported) or already there. */
export const ImportBatchResult = z.object({
  imported: z.number().int(),
  existing: z.number().int(),
  /** The source ids of conversations that were already there: later slices of them are not sent. */
  existingIds: z.array(z.string()),
});
export type ImportBatchResult = z.infer<typeof ImportBatchResult>;
