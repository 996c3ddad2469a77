import "server-only";
import { and, desc, eq, inArray, lt, or } from "drizzle-orm";
import { first, type Db } from "@/db";
import { conversations } from "@/db/tables";
import type { Conversation, ConversationSettings } from "@/db/schema";
import { engine } from "@/db/engine";
import { sqliteTurn } from "@/db/engines/turn-sqlite";
import { searchSnippets } from "./search-snippets";

/** Every query takes the owner and puts it in the WHERE: a row of another user is simply not found. */

export interface ConversationListItem {
  id: string;
  title: string;
  model: string;
  updatedAt: number;
  /** Search results only: the words around the match in its newest message (none for a title-only match). */
  snippet?: string;
}

export interface ConversationPage {
  items: ConversationListItem[];
  /** Pass back as `cursor` for the next page; null at the end. */
  nextCursor: string | null;
}

const listColumns = {
  id: conversations.id,
  title: conversations.title,
  model: conversations.model,
  updatedAt: conversations.updatedAt,
  seq: conversations.seq,
};

export async function getConversation(
  db: Db,
  { userId, id }: { userId: string; id: string },
): Promise<Conversation | undefined> {
  const hot = sqliteTurn(db);
  if (hot) return hot.conversation(userId, id);
  return first(
    await db
      .select()
      .from(conversations)
      .where(and(eq(conversations.userId, userId), eq(conversations.id, id)))
      .limit(1),
  );
}

/**
 * Whether any account has a conversation with this id. Only for telling "someone else's" (not found) from
 * "not saved yet" (the picker and settings of a new chat, whose first message creates it): it says nothing
 * about the row but that it exists.
 */
export async function conversationIdInUse(db: Db, { id }: { id: string }): Promise<boolean> {
  return !!first(
    await db.select({ id: conversations.id }).from(conversations).where(eq(conversations.id, id)).limit(1),
  );
}

export interface NewConversation {
  id: string;
  userId: string;
  title: string;
  model: string;
  settings?: ConversationSettings;
}

/** The row a new conversation is inserted as (also by startConversation, with its first turn). */
export const conversationValues = (row: NewConversation) => ({
  ...row,
  title: engine().text(row.title),
  settings: cleanSettings(row.settings ?? {}),
});

export async function createConversation(db: Db, row: NewConversation): Promise<Conversation> {
  return first(await db.insert(conversations).values(conversationValues(row)).returning())!;
}

/** Newest first, keyset-paginated on (updatedAt, seq) so page N costs the same as page 1. */
export async function listConversations(
  db: Db,
  { userId, limit, cursor }: { userId: string; limit: number; cursor?: string | null },
): Promise<ConversationPage> {
  const [at, seq] = (cursor ?? "").split(".").map(Number);
  const after =
    cursor && Number.isFinite(at) && Number.isFinite(seq)
      ? or(lt(conversations.updatedAt, at), and(eq(conversations.updatedAt, at), lt(conversations.seq, seq)))
      : undefined;
  const rows = await db
    .select(listColumns)
    .from(conversations)
    .where(and(eq(conversations.userId, userId), after))
    .orderBy(desc(conversations.updatedAt), desc(conversations.seq))
    .limit(limit + 1);
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(({ seq: _seq, ...item }) => item),
    nextCursor: more && last ? `${last.updatedAt}.${last.seq}` : null,
  };
}

/**
 * Conversations whose title or any finished message contains `query`, case-insensitively, most recently
 * updated first. Each engine answers from its own indexes (FTS5 on SQLite, pg_trgm and CJK grams on
 * PostgreSQL), Chinese and Japanese included: db/engines/*.ts searchConversationIds.
 */
export async function searchConversations(
  db: Db,
  { userId, query, limit }: { userId: string; query: string; limit: number },
): Promise<ConversationListItem[]> {
  const ids = await engine().searchConversationIds(db, { userId, query, limit });
  if (!ids.length) return [];
  const [found, snippets] = await Promise.all([
    db
      .select(listColumns)
      .from(conversations)
      .where(and(eq(conversations.userId, userId), inArray(conversations.id, ids)))
      .orderBy(desc(conversations.updatedAt), desc(conversations.seq))
      .limit(limit),
    searchSnippets(db, { userId, conversationIds: ids, query }),
  ]);
  return found.map(({ seq: _seq, ...item }) => {
    const snippet = snippets.get(item.id);
    return snippet ? { ...item, snippet } : item;
  });
}

/** A system prompt is the one free text in settings; PostgreSQL's jsonb cannot hold U+0000 either. */
const cleanSettings = (s: ConversationSettings): ConversationSettings =>
  typeof s.systemPrompt === "string" ? { ...s, systemPrompt: engine().text(s.systemPrompt) } : s;

const owned = (userId: string, id: string) => and(eq(conversations.userId, userId), eq(conversations.id, id));
const changed = async (rows: Promise<{ id: string }[]>) => (await rows).length > 0;

export function renameConversation(
  db: Db,
  { userId, id, title }: { userId: string; id: string; title: string },
): Promise<boolean> {
  return changed(
    db
      .update(conversations)
      .set({ title: engine().text(title), titleFromUser: true })
      .where(owned(userId, id))
      .returning({ id: conversations.id }),
  );
}

/** Messages go with it (ON DELETE CASCADE, in the same statement). */
export function deleteConversation(db: Db, { userId, id }: { userId: string; id: string }): Promise<boolean> {
  return changed(db.delete(conversations).where(owned(userId, id)).returning({ id: conversations.id }));
}

export function setConversationModel(
  db: Db,
  { userId, id, model }: { userId: string; id: string; model: string },
): Promise<boolean> {
  return changed(db.update(conversations).set({ model }).where(owned(userId, id)).returning({ id: conversations.id }));
}

export function setConversationSettings(
  db: Db,
  { userId, id, settings }: { userId: string; id: string; settings: ConversationSettings },
): Promise<boolean> {
  return changed(
    db
      .update(conversations)
      .set({ settings: cleanSettings(settings) })
      .where(owned(userId, id))
      .returning({ id: conversations.id }),
  );
}
