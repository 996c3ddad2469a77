import "server-only";
import { createHash } from "node:crypto";
import { and, eq, inArray } from "drizzle-orm";
import { transaction, type Db } from "@/db";
import { engine } from "@/db/engine";
import { attachments, conversations, messages } from "@/db/tables";
import type { ConversationSettings, MessageSource, MessageStatus } from "@/db/schema";

/**
 * Writing an import, one batch per transaction. Ids are decided by the caller (derived from the user, the
 * source and the file's ids: lib/data/ids.ts), so a second import of the same file finds its conversations
 * and adds nothing. A conversation is "already there" when its derived id, or (for our own archive) its
 * original id, is one of this user's conversations.
 */

export interface ImportedMessageRow {
  id: string;
  role: "user" | "assistant";
  content: string;
  model: string | null;
  status: MessageStatus;
  createdAt: number;
  /** Documents attached to the message, as the file carried them: stored as the user's, with the message. */
  attachments?: { name: string; mediaType: string; size: number; pages?: number; text: string }[];
  reasoning?: string | null;
  reasoningMs?: number | null;
  sources?: MessageSource[] | null;
}

export interface ImportedSliceRow {
  /** The id the conversation gets here. */
  id: string;
  /** Other ids meaning "this conversation is already here" (the original id of our own archive). */
  sameAs: string[];
  /** The file's id, echoed back for conversations that were already there. */
  sourceId: string;
  /** Index of the slice's first message in its conversation: 0 creates the conversation. */
  offset: number;
  title: string;
  model: string;
  settings: ConversationSettings;
  createdAt: number;
  updatedAt: number;
  messages: ImportedMessageRow[];
}

export interface ImportBatchOutcome {
  imported: number;
  existing: number;
  existingIds: string[];
}

/** Rows per INSERT: 8 columns each stays far below either engine's bound on parameters. */
const CHUNK = 500;

export function importBatch(db: Db, { userId, slices }: { userId: string; slices: ImportedSliceRow[] }) {
  return transaction(db, async (tx): Promise<ImportBatchOutcome> => {
    const out: ImportBatchOutcome = { imported: 0, existing: 0, existingIds: [] };
    const candidates = [...new Set(slices.flatMap((s) => [s.id, ...s.sameAs]))];
    const owned = new Set<string>();
    for (let i = 0; i < candidates.length; i += CHUNK) {
      const found = await tx
        .select({ id: conversations.id })
        .from(conversations)
        .where(and(eq(conversations.userId, userId), inArray(conversations.id, candidates.slice(i, i + CHUNK))));
      for (const r of found) owned.add(r.id);
    }
    const created = new Set<string>();
    const t = engine().text;
    for (const s of slices) {
      if (s.offset === 0) {
        if (owned.has(s.id) || s.sameAs.some((id) => owned.has(id))) {
          out.existing++;
          out.existingIds.push(s.sourceId);
          continue;
        }
        await tx.insert(conversations).values({
          id: s.id,
          userId,
          title: t(s.title.trim() || "Imported conversation"),
          titleFromUser: true,
          model: s.model,
          settings: s.settings.systemPrompt ? { ...s.settings, systemPrompt: t(s.settings.systemPrompt) } : s.settings,
          createdAt: s.createdAt,
          updatedAt: s.updatedAt,
        });
        created.add(s.id);
        out.imported++;
      } else if (!created.has(s.id) && !owned.has(s.id)) continue; // its first slice was not imported
      for (let i = 0; i < s.messages.length; i += CHUNK) {
        await tx
          .insert(messages)
          .values(
            s.messages.slice(i, i + CHUNK).map((m) => ({
              id: m.id,
              conversationId: s.id,
              role: m.role,
              content: t(m.content),
              model: m.model,
              status: m.status,
              createdAt: m.createdAt,
              reasoning: m.reasoning ? t(m.reasoning) : null,
              reasoningMs: m.reasoning ? (m.reasoningMs ?? null) : null,
              sources: m.sources?.length ? m.sources : null,
            })),
          )
          .onConflictDoNothing();
      }
      // A document's id derives from its message's (itself derived), so a retried batch adds none twice.
      const files = s.messages.flatMap((m) =>
        (m.attachments ?? []).map((a, i) => ({
          id: createHash("sha256").update(`${m.id}\u0000${i}`).digest("base64url").slice(0, 22),
          userId,
          messageId: m.id,
          name: t(a.name),
          mediaType: a.mediaType,
          size: a.size,
          pages: a.pages ?? null,
          text: t(a.text),
          // A millisecond apart, in the archive's order: documents are read back (and sent to the model) by
          // their time, and ids derived from a hash would otherwise shuffle the files of one message.
          createdAt: m.createdAt + i,
        })),
      );
      for (let i = 0; i < files.length; i += CHUNK) {
        await tx
          .insert(attachments)
          .values(files.slice(i, i + CHUNK))
          .onConflictDoNothing();
      }
    }
    return out;
  });
}
