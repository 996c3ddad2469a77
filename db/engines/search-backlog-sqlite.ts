/**
 * The SQLite search indexes catch up with the writes in batches. Triggers note each message that stopped
 * streaming, or changed, and each conversation title in a backlog (db/migrations/0015_search_backlog.sql);
 * `indexBacklog` moves the whole backlog into the FTS5 indexes in one transaction. It runs a few times a
 * second and before every search, so a search sees everything written before it, and a chat turn's commits
 * no longer each write an FTS5 segment of their own (the indexes were most of a turn's database time).
 * The backlog is a table, written in the same transaction as its row: a crash loses nothing, and the next
 * start indexes what is left.
 */
import "server-only";
import type Database from "better-sqlite3";

/** How often the backlog is indexed while the app runs (a search never waits for it). */
export const INDEX_EVERY_MS = 200;

function statementsFor(c: Database.Database) {
  const waiting = c.prepare(`select exists(select 1 from messages_search_backlog)
    or exists(select 1 from conversations_search_backlog)`);
  waiting.pluck();
  const steps = [
    `insert into messages_fts(rowid, content) select m.seq, m.content
      from messages_search_backlog b join messages m on m.seq = b.seq`,
    `insert into messages_cjk(rowid, grams) select m.seq, cjk_grams(m.content)
      from messages_search_backlog b join messages m on m.seq = b.seq`,
    "delete from messages_search_backlog",
    `insert into conversations_fts(rowid, title) select c.seq, c.title
      from conversations_search_backlog b join conversations c on c.seq = b.seq`,
    "delete from conversations_search_backlog",
  ].map((sql) => c.prepare(sql));
  const run = c.transaction(() => {
    for (const step of steps) step.run();
  });
  return { waiting, run };
}

const prepared = new WeakMap<Database.Database, ReturnType<typeof statementsFor>>();

/** Indexes whatever the backlog holds (nothing to do costs one cheap read). */
export function indexBacklog(c: Database.Database) {
  let s = prepared.get(c);
  if (!s) prepared.set(c, (s = statementsFor(c)));
  if (s.waiting.get()) s.run.immediate();
}

/** Indexes the backlog now, then every INDEX_EVERY_MS for as long as the connection is open. */
export function startIndexingBacklog(c: Database.Database) {
  indexBacklog(c);
  const timer = setInterval(() => {
    if (!c.open) return clearInterval(timer);
    try {
      indexBacklog(c);
    } catch (err) {
      // Busy (another process writing) or a full disk: the backlog stays, and the next round tries again.
      console.error("[search] could not index new messages", err);
    }
  }, INDEX_EVERY_MS);
  timer.unref();
}
