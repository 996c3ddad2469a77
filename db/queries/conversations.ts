import { and, desc, eq, inArray, lt, or, sql } from "drizzle-orm";
import type Database from "better-sqlite3";
import { first, type Db } from "@/db";
import { conversations, messages, type Conversation, type ConversationSettings } from "@/db/schema";
import { isCjkQuery } from "@/db/search/cjk";
import { normalizeSearchQuery } from "@/db/search/query";

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

export async function getConversation(db: Db, { userId, id }: { userId: string; id: string }): Promise<Conversation | undefined> {
  return first(await db.select().from(conversations)
    .where(and(eq(conversations.userId, userId), eq(conversations.id, id))).limit(1));
}

export async function createConversation(db: Db, row: { id: string; userId: string; title: string; model: string;
  settings?: ConversationSettings }): Promise<Conversation> {
  return first(await db.insert(conversations).values({ ...row, settings: row.settings ?? {} }).returning())!;
}

/** Newest first, keyset-paginated on (updatedAt, seq) so page N costs the same as page 1. */
export async function listConversations(db: Db, { userId, limit, cursor }: { userId: string; limit: number;
  cursor?: string | null }): Promise<ConversationPage> {
  const [at, seq] = (cursor ?? "").split(".").map(Number);
  const after = cursor && Number.isFinite(at) && Number.isFinite(seq)
    ? or(lt(conversations.updatedAt, at), and(eq(conversations.updatedAt, at), lt(conversations.seq, seq)))
    : undefined;
  const rows = await db.select(listColumns).from(conversations)
    .where(and(eq(conversations.userId, userId), after))
    .orderBy(desc(conversations.updatedAt), desc(conversations.seq)).limit(limit + 1);
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
export async function searchConversations(db: Db, { userId, query, limit }: { userId: string; query: string; limit: number }):
  Promise<ConversationListItem[]> {
  const q = normalizeSearchQuery(query);
  if (!q) return [];
  const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const trigram = [...q].length >= 3;
  if (!trigram && !isCjkQuery(q)) {
    return (await db.select(listColumns).from(conversations)
      .where(and(eq(conversations.userId, userId), or(
        sql`${conversations.title} like ${like} escape '\\'`,
        sql`exists (select 1 from ${messages} where ${messages.conversationId} = ${conversations.id}
          and ${messages.content} like ${like} escape '\\')`,
      )))
      .orderBy(desc(conversations.updatedAt)).limit(limit)).map(({ seq: _seq, ...item }) => item);
  }
  const phrase = `"${q.replace(/"/g, '""')}"`;
  const titleHits = trigram
    ? sql`${conversations.seq} in (select rowid from conversations_fts where conversations_fts match ${phrase})`
    : sql`${conversations.title} like ${like} escape '\\'`;
  const ids = new Set<string>((await db.select({ id: conversations.id }).from(conversations)
    .where(and(eq(conversations.userId, userId), titleHits))).map((r) => r.id));
  const index = trigram ? "messages_fts" : "messages_cjk";
  const hits = (db as Db & { $client: Database.Database }).$client.prepare(`select m.conversation_id as id, c.user_id as owner
    from ${index} f join messages m on m.seq = f.rowid join conversations c on c.id = m.conversation_id
    where ${index} match ? order by f.rowid desc`);
  for (const hit of hits.iterate(phrase) as Iterable<{ id: string; owner: string }>) {
    if (ids.size >= limit * 2) break;
    if (hit.owner === userId) ids.add(hit.id);
  }
  if (!ids.size) return [];
  return (await db.select(listColumns).from(conversations)
    .where(and(eq(conversations.userId, userId), inArray(conversations.id, [...ids])))
    .orderBy(desc(conversations.updatedAt)).limit(limit)).map(({ seq: _seq, ...item }) => item);
}

const owned = (userId: string, id: string) => and(eq(conversations.userId, userId), eq(conversations.id, id));
const changed = async (rows: Promise<{ id: string }[]>) => (await rows).length > 0;

export function renameConversation(db: Db, { userId, id, title }: { userId: string; id: string; title: string }): Promise<boolean> {
  return changed(db.update(conversations).set({ title, titleFromUser: true }).where(owned(userId, id))
    .returning({ id: conversations.id }));
}

/** Messages go with it (ON DELETE CASCADE, in the same statement). */
export function deleteConversation(db: Db, { userId, id }: { userId: string; id: string }): Promise<boolean> {
  return changed(db.delete(conversations).where(owned(userId, id)).returning({ id: conversations.id }));
}

export function setConversationModel(db: Db, { userId, id, model }: { userId: string; id: string; model: string }): Promise<boolean> {
  return changed(db.update(conversations).set({ model }).where(owned(userId, id)).returning({ id: conversations.id }));
}

export function setConversationSettings(db: Db, { userId, id, settings }: { userId: string; id: string;
  settings: ConversationSettings }): Promise<boolean> {
  return changed(db.update(conversations).set({ settings }).where(owned(userId, id)).returning({ id: conversations.id }));
}
