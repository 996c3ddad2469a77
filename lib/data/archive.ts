/**
 * Our rows as the archive's conversations (lib/data/schema.ts `ArchiveConversation`), and one conversation
 * as Markdown. Pure functions over plain objects: the route handlers feed them rows, the tests feed them
 * literals.
 */
import type { ArchiveConversation, ArchiveMessage, Attachment } from "./schema";
import { ARCHIVE_FORMAT, ARCHIVE_VERSION } from "./limits";

/** What the export reads of a conversation and its messages (db rows have these fields and more). */
export interface ConversationRecord {
  id: string;
  title: string;
  model: string;
  settings: ArchiveConversation["settings"];
  createdAt: number;
  updatedAt: number;
}
export interface MessageRecord {
  id: string;
  role: "user" | "assistant";
  content: string;
  model: string | null;
  status: NonNullable<ArchiveMessage["status"]>;
  createdAt: number;
  /** Documents given with a user message (their extracted text). */
  attachments?: { name: string; mediaType: string; size: number; pages: number | null; text: string }[];
  /** A thinking reply's reasoning and how long it thought (ms); a searching reply's sources. */
  reasoning?: string | null;
  reasoningMs?: number | null;
  sources?: { url: string; title: string; site?: string; publishedAt?: string }[] | null;
}

const archiveAttachment = (a: NonNullable<MessageRecord["attachments"]>[number]): Attachment => ({
  name: a.name,
  mediaType: a.mediaType,
  size: a.size,
  ...(a.pages != null ? { pages: a.pages } : {}),
  text: a.text,
});

const iso = (ms: number) => new Date(ms).toISOString();

export function toArchiveConversation(c: ConversationRecord, messages: MessageRecord[]): ArchiveConversation {
  return {
    id: c.id,
    title: c.title,
    model: c.model,
    settings: c.settings ?? {},
    createdAt: iso(c.createdAt),
    updatedAt: iso(c.updatedAt),
    messages: messages.map((m) => ({
      id: m.id,
      role: m.role,
      content: m.content,
      model: m.model,
      status: m.status,
      createdAt: iso(m.createdAt),
      ...(m.attachments?.length ? { attachments: m.attachments.map(archiveAttachment) } : {}),
      ...(m.reasoning ? { reasoning: m.reasoning, reasoningMs: m.reasoningMs ?? null } : {}),
      ...(m.sources?.length ? { sources: m.sources } : {}),
    })),
  };
}

/** The archive's opening, before its conversations: the streamed export writes this, then each conversation. */
export const archiveHead = (exportedAt: number) =>
  `{"format":${JSON.stringify(ARCHIVE_FORMAT)},"version":${ARCHIVE_VERSION},"exportedAt":${JSON.stringify(iso(exportedAt))},"conversations":[`;
export const ARCHIVE_TAIL = "]}\n";

/** A one-conversation archive (the header menu's JSON). */
export function singleArchive(c: ConversationRecord, messages: MessageRecord[], exportedAt = Date.now()): string {
  return `${archiveHead(exportedAt)}${JSON.stringify(toArchiveConversation(c, messages), null, 2)}${ARCHIVE_TAIL}`;
}

/** Labels of the Markdown export, in the reader's language (the route passes them from the catalogue). */
export interface MarkdownLabels {
  you: string;
  assistant: string;
  model: string;
  created: string;
  updated: string;
  systemPrompt: string;
  settings: string;
  stopped: string;
  interrupted: string;
  failed: string;
  attachments: string;
  /** A reply's reasoning, under "Thought for {seconds} s" (or a moment, or no time when it was not measured). */
  thought: string;
  thoughtFor: string;
  thoughtMoment: string;
  sources: string;
  /** ": " in English, "：" in Chinese and Japanese. */
  colon: string;
  /** A time as the reader reads it (their language and time zone); ISO 8601 in UTC without one. */
  time?: (ms: number) => string;
}

export const ENGLISH_LABELS: MarkdownLabels = {
  you: "You",
  assistant: "Assistant",
  model: "Model",
  created: "Created",
  updated: "Updated",
  systemPrompt: "System prompt",
  settings: "Settings",
  stopped: "stopped",
  interrupted: "interrupted",
  failed: "failed",
  attachments: "Attached",
  thought: "Thought",
  thoughtFor: "Thought for {seconds} s",
  thoughtMoment: "Thought for a moment",
  sources: "Sources",
  colon: ": ",
};

/** The reasoning's heading: the same wording as the chat's fold (lib/chat/thinking.ts thoughtSeconds). */
function thoughtHeading(ms: number | null | undefined, labels: MarkdownLabels): string {
  if (ms == null) return labels.thought;
  if (ms < 1000) return labels.thoughtMoment;
  return labels.thoughtFor.replace("{seconds}", String(Math.round(ms / 1000)));
}

/** Text inside a Markdown link's [title], and a URL inside its (…), that cannot end either early. */
const linkTitle = (s: string) => oneLine(s).replace(/[[\]\\]/g, "\\$&");
const linkUrl = (s: string) =>
  s.replace(/[()\s<>]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);

/** A heading's text on one line, with Markdown's own characters at the start made literal. */
const oneLine = (s: string) => s.replace(/\s+/g, " ").trim();

/**
 * The conversation as a Markdown document: title, model, times and settings, then each message under a
 * heading naming who wrote it (and a reply's model). Messages are already Markdown and are written as they
 * are; a quoted system prompt keeps its line breaks.
 */
export function conversationMarkdown(
  c: ConversationRecord,
  messages: MessageRecord[],
  labels: MarkdownLabels = ENGLISH_LABELS,
): string {
  const out: string[] = [`# ${oneLine(c.title) || "…"}`, ""];
  const time = labels.time ?? iso;
  const colon = labels.colon;
  out.push(`- ${labels.model}${colon}${c.model}`);
  out.push(`- ${labels.created}${colon}${time(c.createdAt)}`);
  out.push(`- ${labels.updated}${colon}${time(c.updatedAt)}`);
  const { systemPrompt, ...numbers } = c.settings ?? {};
  const numeric = Object.entries(numbers).filter(([, v]) => v !== undefined);
  if (numeric.length) out.push(`- ${labels.settings}${colon}${numeric.map(([k, v]) => `${k} ${v}`).join(", ")}`);
  if (systemPrompt) {
    out.push("", `**${labels.systemPrompt}${colon.trim()}**`, "", ...systemPrompt.split("\n").map((l) => `> ${l}`));
  }
  for (const m of messages) {
    const who = m.role === "user" ? labels.you : `${labels.assistant}${m.model ? ` (${m.model})` : ""}`;
    const state =
      m.status === "stopped"
        ? labels.stopped
        : m.status === "interrupted"
          ? labels.interrupted
          : m.status === "error"
            ? labels.failed
            : "";
    out.push("", "---", "", `## ${who}`, "", `*${time(m.createdAt)}${state ? ` · ${state}` : ""}*`, "");
    // Reasoning folded as the chat shows it (<details> renders folded on GitHub and most viewers), then the answer.
    if (m.reasoning) {
      const quoted = m.reasoning.split("\n").map((l) => `> ${l}`);
      out.push(
        "<details>",
        `<summary>${thoughtHeading(m.reasoningMs, labels)}</summary>`,
        "",
        ...quoted,
        "",
        "</details>",
        "",
      );
    }
    out.push(m.content);
    if (m.sources?.length) {
      out.push(
        "",
        `${labels.sources}${colon.trim()}`,
        ...m.sources.map(
          (s) => `- [${linkTitle(s.title || s.url)}](${linkUrl(s.url)})${s.site ? ` — ${oneLine(s.site)}` : ""}`,
        ),
      );
    }
    // Documents by name (their text is in the JSON export; pasted here it would bury the conversation).
    if (m.attachments?.length) {
      out.push(
        "",
        `${labels.attachments}${colon.trim()}`,
        ...m.attachments.map((a) => `- \`${oneLine(a.name).replace(/`/g, "'")}\``),
      );
    }
  }
  return `${out.join("\n")}\n`;
}

/**
 * Content-Disposition for a download named after the conversation: an ASCII fallback for old clients and
 * the real (Chinese, Japanese, …) name in RFC 5987's filename*, with anything that could break the header
 * or a file system removed.
 */
export function attachmentDisposition(title: string, extension: string): string {
  const base =
    title
      .normalize("NFC")
      .replace(/[\p{Cc}\p{Cf}\\/:*?"<>|]+/gu, " ")
      .replace(/\s+/g, " ")
      .trim()
      .replace(/^\.+/, "")
      .slice(0, 100)
      .trim() || "conversation";
  const ascii =
    base
      .replace(/[^\x20-\x7e]+/g, "_")
      .replace(/[%;]/g, "_")
      .replace(/_+/g, "_") || "conversation";
  const encoded = encodeURIComponent(`${base}.${extension}`).replace(
    /['()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}.${extension}"; filename*=UTF-8''${encoded}`;
}
