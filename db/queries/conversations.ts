import { and, desc, eq, inArray, lt, or, sql } from "drizzle-orm";
import { getDb, getSqlite } from "@/db";
import { conversations, messages, type Conversation, type ConversationSettings } from "@/db/schema";
import { isCjkQuery } from "@/lib/search/cjk";
import { normalizeSearchQuery } from "@/lib/search/query";

/** Every query takes the owner and puts it in the WHERE: a row of another user is simply not found. */

export interface ConversationListItem {
  id: string;
  title: string;
  model: string;
  updatedAt: number;
}

export interface ConversationPage {
  items: ConversationListItem[];
  /** Pass back as `cursor` for the next page; null at the end. */
  nextCursor: string | null;
}

const listColumns = { id: conversations.id, title: conversations.title, model: conversations.model,
  updatedAt: conversations.updatedAt, seq: conversations.seq };

export function getConversation(userId: string, id: string): Conversation | undefined {
  return getDb().select().from(conversations)
    .where(and(eq(conversations.userId, userId), eq(conversations.id, id))).get();
}

export function createConversation(row: { id: string; userId: string; title: string; model: string;
  settings?: ConversationSettings }): Conversation {
  return getDb().insert(conversations).values({ ...row, settings: row.settings ?? {} }).returning().get();
}

/** Newest first, keyset-paginated on (updatedAt, seq) so page N costs the same as page 1. */
export function listConversations(userId: string, limit: number, cursor?: string | null): ConversationPage {
  const [at, seq] = (cursor ?? "").split(".").map(Number);
  const after = cursor && Number.isFinite(at) && Number.isFinite(seq)
    ? or(lt(conversations.updatedAt, at), and(eq(conversations.updatedAt, at), lt(conversations.seq, seq)))
    : undefined;
  const rows = getDb().select(listColumns).from(conversations)
    .where(and(eq(conversations.userId, userId), after))
    .orderBy(desc(conversations.updatedAt), desc(conversations.seq)).limit(limit + 1).all();
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(({ seq: _seq, ...item }) => item),
    nextCursor: more && last ? `${last.updatedAt}.${last.seq}` : null,
  };
}

/**
 * Conversations whose title or any message contains `query`, most recently updated first. Three or more
 * characters use the trigram FTS5 index; one or two CJK characters (common in Chinese and Japanese) use the
 * character/pair index. Message hits are read newest first and the scan stops once enough of the user's
 * conversations are found, so a common word costs the same as a rare one. Other short queries fall back to
 * a scan of the user's own rows.
 */
export function searchConversations(userId: string, query: string, limit: number): ConversationListItem[] {
  const q = normalizeSearchQuery(query);
  if (!q) return [];
  const db = getDb();
  const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const trigram = [...q].length >= 3;
  if (!trigram && !isCjkQuery(q)) {
    return db.select(listColumns).from(conversations)
      .where(and(eq(conversations.userId, userId), or(
        sql`${conversations.title} like ${like} escape '\\'`,
        sql`exists (select 1 from ${messages} where ${messages.conversationId} = ${conversations.id}
          and ${messages.content} like ${like} escape '\\')`,
      )))
      .orderBy(desc(conversations.updatedAt)).limit(limit).all().map(({ seq: _seq, ...item }) => item);
  }
  const phrase = `"${q.replace(/"/g, '""')}"`;
  const titleHits = trigram
    ? sql`${conversations.seq} in (select rowid from conversations_fts where conversations_fts match ${phrase})`
    : sql`${conversations.title} like ${like} escape '\\'`;
  const ids = new Set<string>(db.select({ id: conversations.id }).from(conversations)
    .where(and(eq(conversations.userId, userId), titleHits)).all().map((r) => r.id));
  const index = trigram ? "messages_fts" : "messages_cjk";
  const hits = getSqlite().prepare(`select m.conversation_id as id, c.user_id as owner
    from ${index} f join messages m on m.seq = f.rowid join conversations c on c.id = m.conversation_id
    where ${index} match ? order by f.rowid desc`);
  for (const hit of hits.iterate(phrase) as Iterable<{ id: string; owner: string }>) {
    if (ids.size >= limit * 2) break;
    if (hit.owner === userId) ids.add(hit.id);
  }
  if (!ids.size) return [];
  return db.select(listColumns).from(conversations)
    .where(and(eq(conversations.userId, userId), inArray(conversations.id, [...ids])))
    .orderBy(desc(conversations.updatedAt)).limit(limit).all().map(({ seq: _seq, ...item }) => item);
}

export function renameConversation(userId: string, id: string, title: string): boolean {
  return getDb().update(conversations).set({ title, titleFromUser: true })
    .where(and(eq(conversations.userId, userId), eq(conversations.id, id))).run().changes > 0;
}

/** Messages go with it (ON DELETE CASCADE, in the same statement). */
export function deleteConversation(userId: string, id: string): boolean {
  return getDb().delete(conversations)
    .where(and(eq(conversations.userId, userId), eq(conversations.id, id))).run().changes > 0;
}

export function setConversationModel(userId: string, id: string, model: string): boolean {
  return getDb().update(conversations).set({ model })
    .where(and(eq(conversations.userId, userId), eq(conversations.id, id))).run().changes > 0;
}

export function setConversationSettings(userId: string, id: string, settings: ConversationSettings): boolean {
  return getDb().update(conversations).set({ settings })
    .where(and(eq(conversations.userId, userId), eq(conversations.id, id))).run().changes > 0;
}
