/** SQLite only: where a search's time goes when its CPU cost is near or over the target, and what would fix it. */
import type Database from "better-sqlite3";
import { ms } from "../lib/load";
import type { Captured } from "./engine";
import { SEED } from "./seed";

const FIX_LIKE =
  "index short CJK queries too — e.g. a second, contentless FTS5 table (`tokenize='unicode61'`, " +
  '`detail=none`) holding each message\'s CJK character bigrams ("量子计算" → "量子 子计 计算"), written by the same ' +
  "code or triggers (a JS function registered on the connection), and queried with `match '\"量子\"'` for 1–2 " +
  "character queries instead of LIKE. The scan then reads only the index entries of the matches.";
const FIX_FTS =
  "stop materialising every match. Read the matches newest first and stop once 50 of the user's conversations " +
  "are found: `select c.… from messages_fts f join messages m on m.seq = f.rowid join conversations c on " +
  "c.id = m.conversation_id where messages_fts match ? and c.user_id = ? order by f.rowid desc` through better-sqlite3's " +
  "`.iterate()`, plus the title hits, then sort those by updated_at (FTS5 yields rowids in descending order lazily). " +
  "This ranks by the newest matching message rather than by the conversation's last update. Keeping today's exact " +
  "order, a covering index `messages(seq, conversation_id)` and a larger page cache (`PRAGMA cache_size`) cut " +
  "the per-match lookup cost but not the number of lookups.";

/** CPU time of one SQL statement, mean over `n` runs after 2 warm-up runs. */
function cpuOf(sqlite: Database.Database, sql: string, params: unknown[], n = 10): number {
  const st = sqlite.prepare(sql);
  for (let i = 0; i < 2; i++) st.all(...params);
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) st.all(...params);
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000 / n;
}

export function diagnoseSqliteSearch(
  sqlite: Database.Database,
  q: string,
  like: string,
  captured: Captured,
  msgs: { n: number; c: number },
  userText: { n: number; bytes: number },
): { why: string; fix: string } {
  if ([...q].length >= 3) {
    // Decompose the FTS path: the match alone, then the lookup of every matching message's conversation.
    const phrase = `"${q.replace(/"/g, '""')}"`;
    const all = (
      sqlite.prepare("select count(*) as n from messages_fts where messages_fts match ?").get(phrase) as { n: number }
    ).n;
    const ftsMs = cpuOf(sqlite, "select count(*) from messages_fts where messages_fts match ?", [phrase]);
    const joinMs = cpuOf(
      sqlite,
      `select count(distinct conversation_id) from messages
      where seq in (select rowid from messages_fts where messages_fts match ?)`,
      [phrase],
    );
    const wholeMs = cpuOf(sqlite, captured.sql, captured.params);
    return {
      fix: FIX_FTS,
      why:
        `trigram FTS path. The phrase matches ${all.toLocaleString("en")} messages (all users); the query ` +
        `materialises all of them (\`conversations.id in (select conversation_id from messages where seq in (select rowid ` +
        `from messages_fts …))\`), i.e. one rowid lookup in \`messages\` per match, before it can take the 50 newest ` +
        `conversations. CPU per run: FTS match alone ${ms(ftsMs)} ms; match + conversation of every matching message ` +
        `${ms(joinMs)} ms; whole query ${ms(wholeMs)} ms. Cost grows with the number of matching messages, not with the 50 returned.`,
    };
  }
  const scanMs = cpuOf(sqlite, "select count(*) from messages where content like ? escape '\\'", [like], 5);
  return {
    fix: FIX_LIKE,
    why:
      `LIKE fallback (query shorter than 3 characters; the trigram index cannot answer it). The plan walks A's ` +
      `conversations newest first (conversations_user_updated_idx) and runs \`exists (select 1 from messages where ` +
      `conversation_id = … and content like '%${q}%')\` for each until it has 50: with ${msgs.c} matching conversations ` +
      `spread over ${SEED.days} days that means reading (nearly) all ${userText.n.toLocaleString("en")} of A's messages ` +
      `(${(userText.bytes / 2 ** 20).toFixed(0)} MiB of text). For comparison, one LIKE scan over the whole messages table ` +
      `takes ${ms(scanMs)} ms CPU. Common 2-character queries are cheap only because 50 hits turn up in the newest conversations.`,
  };
}
