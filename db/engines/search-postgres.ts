import "server-only";
/**
 * Conversation search on PostgreSQL: the user's conversations whose title or a finished message contains the
 * query, by whichever of three equivalent plans should read the fewest rows (see searchConversationIds).
 * Re-exported by db/engines/postgres.ts, the engine module the query layer calls.
 */
import { sql, type SQL } from "drizzle-orm";
import { isCjkQuery } from "@/db/search/cjk";
import { containsPattern, normalizeSearchQuery } from "@/db/search/query";
import type { PgExecutor } from "./postgres";

/** As postgres.ts's `rows`, here so that the engine module and this one do not import each other. */
const rows = async <T>(db: unknown, query: SQL) => (await (db as PgExecutor).execute(query)) as unknown as T[];

/**
 * Queries with no cased letters (CJK, digits, ASCII punctuation and spaces): lower() maps no character onto
 * theirs and leaves theirs alone, so LIKE finds exactly what ILIKE finds, at a fraction of the cost (ILIKE on
 * UTF-8 text is lower(text) LIKE lower(pattern), lower() going through the locale over a wide-character copy).
 */
const CASELESS =
  /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u30fc\u3000-\u303f0-9 !-/:-@[-`{-~]+$/u;
/** Printable ASCII: a query that ASCII folding can match (see rowHit). */
const ASCII = /^[\x20-\x7e]+$/;
/**
 * The non-ASCII characters whose lowercase holds an ASCII letter, with that letter: İ (U+0130) → i and the
 * Kelvin sign (U+212A) → k, in libc's towlower and in ICU's full mapping alike (tests/integration/postgres-engine
 * checks every code point against the database's own lower()).
 */
const LOWER_TO_ASCII: [letter: string, char: string][] = [
  ["i", "\u0130"],
  ["k", "\u212a"],
];
/** True when the database's locale lowercases A–Z to a–z (not so in a Turkish one: I → ı); a constant when planned. */
const ASCII_LOWERS = sql.raw(`lower('ABCDEFGHIJKLMNOPQRSTUVWXYZ') = 'abcdefghijklmnopqrstuvwxyz'`);
/** The newest conversations the sample reads (all their finished messages), and how many must match to walk on. */
const SAMPLE = 30;
const SAMPLE_HITS = 3;
/** The most conversations the walk reads after the sample before it gives up and falls back to the index path. */
const WALK_MAX = 1000;
/**
 * What one matching message read through an index costs next to one message read by the walk (backend CPU per
 * row on the bench data set, docs/benchmarks.md "Chat app on PostgreSQL"). Both fetch the row and test its text
 * once, but the walk pays an index probe and a bitmap per conversation on top: 3/4 for a LIKE recheck after the
 * trigram index, 1/2 after the exact CJK gram index (no recheck), twice for an ILIKE recheck, which lowercases the
 * whole text through the locale where the walk folds ASCII only.
 */
const INDEX_ROW_COST = { gram: 0.5, like: 0.75, ilike: 2 } as const;

/**
 * `text ilike pattern` (or `like`, for caseless queries), as a test made row by row in the walks; exactly the
 * same result. For printable-ASCII queries ASCII folding does: `text collate "C"` lowercases A–Z only, bytes
 * and no wide-character copy, several times cheaper than the locale's lower(). It can differ from the locale's
 * only on a text holding İ or K when the query holds i or k, and those texts take the locale's ILIKE. The
 * CASE is decided when the statement is planned (ASCII_LOWERS is constant): the plain ILIKE in a locale that
 * does not fold A–Z to a–z.
 */
function rowHit(text: SQL, q: string, like: string): SQL {
  if (CASELESS.test(q)) return sql`${text} like ${like} escape '\\'`;
  const ilike = sql`${text} ilike ${like} escape '\\'`;
  if (!ASCII.test(q)) return ilike;
  const lower = q.toLowerCase();
  const odd = LOWER_TO_ASCII.filter(([letter]) => lower.includes(letter)).map(
    ([, char]) => sql`${text} like ${`%${char}%`}`,
  );
  const folded = sql`(${text} collate "C") ilike ${like} escape '\\'`;
  const exact = odd.length ? sql`(${folded} or ((${sql.join(odd, sql` or `)}) and ${ilike}))` : folded;
  return sql`(case when ${ASCII_LOWERS} then ${exact} else ${ilike} end)`;
}

interface Edge {
  updatedAt: number;
  seq: number;
}

/**
 * The user's conversations whose title or any finished message contains `query`, case-insensitively,
 * most recently updated first (the same results as the SQLite engine's FTS5 search), by one of three paths
 * that return the same conversations in the same order:
 * - the walk: the user's conversations newest first (conversations_user_updated_idx), each kept if its title
 *   or one of its messages (messages_conversation_idx) matches, stopping at `limit`. Its cost grows with how
 *   many messages it reads before `limit` hits: cheap for a term in most conversations, everything for a rare one.
 * - the hashed walk: the same walk, but a conversation's messages are not read: the conversation ids of every
 *   matching message, from the search indexes (db/pg/migrations/0001_search.sql, 0004_title_cjk.sql), are
 *   hashed once (a hashed SubPlan) and each conversation is looked up. Its cost grows with the number of
 *   matching messages in the whole table, and it still stops at `limit`.
 * - the index path: every matching message from the search indexes, joined to the user's conversations,
 *   de-duplicated, sorted, the first `limit` kept: the cheapest for rare terms.
 * In all three, 3+ characters match by ILIKE (LIKE for caseless queries; the indexes: pg_trgm GIN), 1–2 CJK
 * characters by cjk_grams(text) @> ARRAY[q] in the indexes (exact, since a CJK pair inside a text is always
 * inside one CJK run) and by LIKE row by row (the same); row by row, ASCII queries fold ASCII only (rowHit).
 * The choice: a sample reads the newest SAMPLE conversations and all their finished messages (an exact prefix
 * of the answer). If that holds `limit` hits or all the user's conversations, it is the answer. If fewer than
 * SAMPLE_HITS of them match, the term is rare: the index path. Otherwise the rest comes from whichever of the
 * two walks, continued after the sample, should read fewer rows: the walk about (messages per sampled
 * conversation) × (conversations to walk at the sample's hit rate), the hashed walk about (the sample's share of
 * matching messages) × (the table's rows, pg_class.reltuples) × INDEX_ROW_COST. A walk that reads WALK_MAX
 * conversations without enough hits falls back to the index path. Other 1–2 character queries (no index
 * narrows those) always walk. (Continued after the sample: a conversation updated between the two statements
 * moves above where the sample stopped and is missed by this search, found by the next; searchConversations
 * reads the rows again anyway.)
 * Streaming replies are not searchable, as on SQLite. The owner is in every WHERE, so another user's rows
 * are never read into the result; the status predicate is written literally so the planner can match the
 * partial indexes. `path` forces one path from the top (tests).
 */
export async function searchConversationIds(
  db: unknown,
  {
    userId,
    query,
    limit,
    path: force,
  }: { userId: string; query: string; limit: number; path?: "index" | "walk" | "hashed" },
): Promise<string[]> {
  const q = normalizeSearchQuery(query);
  if (!q || limit <= 0) return [];
  const n = Math.floor(limit);
  const like = containsPattern(q);
  const chars = [...q].length;
  const cjk = chars < 3 && isCjkQuery(q);
  const caseless = CASELESS.test(q);
  const op = caseless ? sql.raw("like") : sql.raw("ilike");
  // Row by row, in the walks. `|| ''` hides the column from the trigram index: the planner would otherwise AND
  // each conversation's few messages with a bitmap of every message matching the trigrams, rebuilt per conversation.
  const titleRow = rowHit(sql`c.title`, q, like);
  const messageRow = rowHit(sql`(m.content || '')`, q, like);
  // From the search indexes.
  const messageIndexed = cjk
    ? sql`cjk_grams(m.content) @> array[${q}::text]`
    : sql`m.content ${op} ${like} escape '\\'`;
  const titleIndexed = cjk ? sql`cjk_grams(c.title) @> array[${q}::text]` : sql`c.title ${op} ${like} escape '\\'`;
  const after = (edge: Edge | null) =>
    edge ? sql`and (c.updated_at, c.seq) < (${edge.updatedAt}::bigint, ${edge.seq}::bigint)` : sql``;

  const sample = async () => {
    // One row back: the hits in order, where the sample stopped (the SAMPLE-th conversation; none when the user
    // has fewer), and the counts the choice needs.
    const [r] = await rows<{
      ids: string[] | null;
      edgeUpdatedAt: number | null;
      edgeSeq: number | null;
      messages: number | null;
      matching: number | null;
      tableRows: number;
    }>(
      db,
      sql`
      select array_agg(s.id order by s.updated_at desc, s.seq desc) filter (where s.title_hit or s.matching > 0) as ids,
        (array_agg(s.updated_at order by s.updated_at desc, s.seq desc))[${SAMPLE}] as "edgeUpdatedAt",
        (array_agg(s.seq order by s.updated_at desc, s.seq desc))[${SAMPLE}] as "edgeSeq",
        sum(s.messages)::int as messages, sum(s.matching)::int as matching,
        (select reltuples from pg_class where oid = 'messages'::regclass)::float8 as "tableRows"
      from (
        select c.id, c.updated_at, c.seq, ${titleRow} as title_hit, x.messages, x.matching
        from (select c.id, c.title, c.updated_at, c.seq from conversations c where c.user_id = ${userId}
            order by c.updated_at desc, c.seq desc limit ${SAMPLE}) c
          cross join lateral (select count(*) as messages, count(*) filter (where ${messageRow}) as matching
            from messages m where m.conversation_id = c.id and m.status <> 'streaming') x
      ) s`,
    );
    return {
      ids: r?.ids ?? [],
      /** Where the sample stopped; none when it read all the user's conversations. */
      edge:
        r?.edgeUpdatedAt != null && r.edgeSeq != null
          ? { updatedAt: Number(r.edgeUpdatedAt), seq: Number(r.edgeSeq) }
          : null,
      messages: Number(r?.messages ?? 0),
      matching: Number(r?.matching ?? 0),
      tableRows: Number(r?.tableRows ?? -1),
    };
  };
  const walk = async (edge: Edge | null, most: number | null, need: number) => {
    // OFFSET 0 keeps EXISTS a per-row probe: without it the planner may hash the whole subquery, which
    // reads every matching message, as the index path does.
    const probe = sql`(${titleRow} or exists (select 1 from messages m where m.conversation_id = c.id
      and m.status <> 'streaming' and ${messageRow} offset 0))`;
    if (most === null) {
      // Uncapped: one query level, so the planner sees the LIMIT and walks conversations_user_updated_idx
      // backwards; a subquery without a LIMIT of its own is planned for all its rows (a Seq Scan and a Sort).
      const [r] = await rows<{ ids: string[] | null }>(
        db,
        sql`
        select array(select c.id from conversations c where c.user_id = ${userId} ${after(edge)} and ${probe}
          order by c.updated_at desc, c.seq desc limit ${need}) as ids`,
      );
      return { walked: 0, ids: r?.ids ?? [] };
    }
    // Capped at `most` conversations: the subquery's ORDER BY carries over, so the outer query needs no sort
    // and stops at `need` hits. `walked` (are there conversations left?) only matters when the walk ends short
    // of `need`: the CASE leaves its subquery (an InitPlan, run when first read) unread otherwise. OFFSET 0
    // keeps `w` a subquery of its own; pulled up, w.ids would be the array expression twice, and the walk
    // would run twice.
    const cap = sql`limit ${most}`;
    const [r] = await rows<{ walked: number | null; ids: string[] | null }>(
      db,
      sql`
      select w.ids, case when cardinality(w.ids) < ${need}
          then (select count(*) from (select 1 from conversations c where c.user_id = ${userId} ${after(edge)} ${cap}) x)::int
        end as walked
      from (select array(select c.id from (
            select c.id, c.title, c.updated_at, c.seq from conversations c where c.user_id = ${userId} ${after(edge)}
              order by c.updated_at desc, c.seq desc ${cap}) c
          where ${probe}
          order by c.updated_at desc, c.seq desc limit ${need}) as ids offset 0) w`,
    );
    return { walked: Number(r?.walked ?? 0), ids: r?.ids ?? [] };
  };
  const hashed = async (edge: Edge | null, need: number) => {
    // IN under OR cannot become a join: it stays a SubPlan, uncorrelated, so it runs once and is hashed
    // (or, if the planner expected very few lookups, materialised and scanned), never once per conversation.
    const found = await rows<{ id: string }>(
      db,
      sql`
      select c.id from conversations c
      where c.user_id = ${userId} ${after(edge)} and (${titleRow} or c.id in (
          select m.conversation_id from messages m where m.status <> 'streaming' and ${messageIndexed}))
      order by c.updated_at desc, c.seq desc
      limit ${need}`,
    );
    return found.map((r) => r.id);
  };
  const indexed = async () => {
    const found = await rows<{ id: string }>(
      db,
      sql`
      select id from (
        select c.id, c.updated_at, c.seq from conversations c
          where c.user_id = ${userId} and ${titleIndexed}
        union
        select c.id, c.updated_at, c.seq from messages m join conversations c on c.id = m.conversation_id
          where c.user_id = ${userId} and m.status <> 'streaming' and ${messageIndexed}
      ) hits
      order by updated_at desc, seq desc
      limit ${n}`,
    );
    return found.map((r) => r.id);
  };

  if (force === "index") return indexed();
  if (force === "hashed") return hashed(null, n);
  if (force === "walk" || (chars < 3 && !cjk)) return (await walk(null, null, n)).ids;
  const s = await sample();
  if (s.ids.length >= n || !s.edge) return s.ids.slice(0, n);
  if (s.ids.length < SAMPLE_HITS) return indexed();
  const need = n - s.ids.length;
  const walkRows = (s.messages * need) / s.ids.length;
  const indexRows =
    s.tableRows > 0 && s.messages > 0
      ? (s.matching / s.messages) * s.tableRows * INDEX_ROW_COST[cjk ? "gram" : caseless ? "like" : "ilike"]
      : Number.POSITIVE_INFINITY;
  if (indexRows < walkRows) return [...s.ids, ...(await hashed(s.edge, need))];
  const more = await walk(s.edge, WALK_MAX, need);
  if (more.ids.length >= need || more.walked < WALK_MAX) return [...s.ids, ...more.ids];
  return indexed();
}
