import "server-only";
import { type SQL, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { engine } from "@/db/engine";
import { containsPattern, normalizeSearchQuery } from "@/db/search/query";

/**
 * Characters of context before the match, and the excerpt's whole length: the sidebar shows two short lines,
 * and the match must be on the first.
 */
const BEFORE = 24;
const LENGTH = 120;
/** A word cut at either end is dropped when a space is this close to the cut (none in Chinese or Japanese). */
const WORD = 16;

/**
 * For search results: the words around `query` in the newest finished message of each conversation that
 * contains it, as ChatGPT's search shows them ("…the common **database** word…"). A conversation found by its
 * title alone gets none. Cut in SQL, so a GLM-4-Long document in a message never leaves the database whole;
 * matched as the search matched it (case-insensitively; SQLite's LIKE and lower() fold ASCII only, PostgreSQL's
 * ILIKE and lower() every script), so the match's position is found in the same text the filter found it in.
 */
export async function searchSnippets(
  db: Db,
  { userId, conversationIds, query }: { userId: string; conversationIds: string[]; query: string },
): Promise<Map<string, string>> {
  const q = normalizeSearchQuery(query);
  const snippets = new Map<string, string>();
  if (!q || !conversationIds.length) return snippets;
  const postgres = engine().name === "postgres";
  const pattern = containsPattern(q);
  const at: SQL = postgres ? sql`strpos(lower(m.content), lower(${q}))` : sql`instr(lower(m.content), lower(${q}))`;
  const matches: SQL = postgres
    ? sql`n.content ilike ${pattern} escape '\\'`
    : sql`n.content like ${pattern} escape '\\'`;
  // The newest matching message of each conversation found, and only its text lowered and searched: lowering
  // every match (up to hundreds for a common word) doubled a search's time.
  const found = await engine().rows<{ conversationId: string; at: number; length: number; excerpt: string }>(
    db,
    sql`select hit.conversation_id as "conversationId", hit.at as at, length(hit.content) as length,
        substr(hit.content, case when hit.at > ${BEFORE + 1} then hit.at - ${BEFORE} else 1 end, ${LENGTH}) as excerpt
      from (select m.conversation_id, m.content, ${at} as at from messages m
        where m.seq in (select max(n.seq) from messages n join conversations c on c.id = n.conversation_id
          where c.user_id = ${userId} and n.conversation_id in (${sql.join(
            conversationIds.map((id) => sql`${id}`),
            sql`, `,
          )})
            and n.status <> 'streaming' and ${matches}
          group by n.conversation_id)) hit`,
  );
  for (const row of found) snippets.set(row.conversationId, tidy(q, row));
  return snippets;
}

/**
 * One line of text: whitespace collapsed, a word cut in half at either end dropped (never the match), and an
 * ellipsis where the message goes on before or after the excerpt.
 */
function tidy(q: string, { at, length, excerpt }: { at: number; length: number; excerpt: string }): string {
  const start = at > BEFORE + 1 ? at - BEFORE : 1;
  const cutBefore = start > 1;
  const cutAfter = start - 1 + LENGTH < Number(length);
  // Positions count characters (code points) in both engines, as spreading a string does.
  const chars = [...excerpt];
  const matchAt = at > 0 ? at - start : 0;
  let lead = chars.slice(0, matchAt).join("").replace(/\s+/g, " ");
  let rest = chars.slice(matchAt).join("").replace(/\s+/g, " ");
  if (cutBefore) {
    const space = lead.indexOf(" ");
    if (space !== -1 && space < WORD) lead = lead.slice(space + 1);
  }
  if (cutAfter) {
    const space = rest.lastIndexOf(" ");
    if (space >= q.length && space > rest.length - WORD) rest = rest.slice(0, space);
  }
  const text = (lead + rest).trim();
  return `${cutBefore ? "…" : ""}${text}${cutAfter ? "…" : ""}`;
}
