/**
 * Writes the chat data set into a migrated PostgreSQL database with COPY … FROM STDIN (postgres.js
 * `.writable()`), in text format. The search indexes of db/pg/migrations/0001_search.sql are GIN indexes on
 * expressions (pg_trgm on content and title, cjk_grams(content)): no triggers. Maintaining them row by row
 * during the load is the slow part, so they are dropped first and re-created afterwards from their own
 * definitions (pg_indexes.indexdef, i.e. exactly what the migration made), then ANALYZE, as a database that
 * has been in use would have statistics.
 */
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import postgres from "postgres";
import type { DataSet } from "./seed";

const SEARCH_INDEXES = [
  "messages_content_trgm_idx",
  "messages_cjk_idx",
  "conversations_title_trgm_idx",
  "conversations_title_cjk_idx",
];

/** COPY text format: backslash, tab, newline and carriage return escaped; \N is NULL. */
const field = (v: unknown): string => {
  if (v === null || v === undefined) return "\\N";
  if (typeof v === "boolean") return v ? "t" : "f";
  return String(v).replace(/[\\\t\n\r]/g, (c) =>
    c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r",
  );
};

async function copyRows(sql: postgres.Sql, table: string, columns: string[], rows: unknown[][]): Promise<void> {
  const writable = await sql.unsafe(`copy ${table} (${columns.join(", ")}) from stdin`).writable();
  function* lines() {
    let chunk = "";
    for (const row of rows) {
      chunk += row.map(field).join("\t") + "\n";
      if (chunk.length > 1 << 20) {
        yield chunk;
        chunk = "";
      }
    }
    if (chunk) yield chunk;
  }
  await pipeline(Readable.from(lines()), writable);
}

export interface PgSeedTimes {
  copySeconds: number;
  indexSeconds: number;
  analyzeSeconds: number;
  dbBytes: number;
}

export async function writePostgres(url: string, d: DataSet, log: (m: string) => void): Promise<PgSeedTimes> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const defs = await sql<{ indexname: string; indexdef: string }[]>`select indexname, indexdef from pg_indexes
      where indexname in ${sql(SEARCH_INDEXES)}`;
    if (defs.length !== SEARCH_INDEXES.length)
      throw new Error(`expected the search indexes ${SEARCH_INDEXES.join(", ")}; found ${defs.length}`);
    for (const { indexname } of defs) await sql.unsafe(`drop index ${indexname}`);
    const t0 = performance.now();
    await copyRows(sql, "users", ["id", "email", "password_hash", "last_model", "created_at"], d.users);
    await copyRows(
      sql,
      "conversations",
      ["id", "user_id", "title", "title_from_user", "model", "settings", "created_at", "updated_at"],
      d.conversations,
    );
    await copyRows(
      sql,
      "messages",
      ["id", "conversation_id", "role", "content", "model", "status", "error", "created_at"],
      d.messages,
    );
    const copySeconds = (performance.now() - t0) / 1000;
    log(
      `COPY of ${d.conversations.length.toLocaleString("en")} conversations and ${d.messages.length.toLocaleString("en")} messages: ${copySeconds.toFixed(1)} s`,
    );
    const t1 = performance.now();
    await sql`set maintenance_work_mem = '256MB'`;
    for (const { indexname, indexdef } of defs) {
      const ti = performance.now();
      await sql.unsafe(indexdef);
      log(`  re-created ${indexname} in ${((performance.now() - ti) / 1000).toFixed(1)} s`);
    }
    const indexSeconds = (performance.now() - t1) / 1000;
    const t2 = performance.now();
    await sql`analyze`;
    const analyzeSeconds = (performance.now() - t2) / 1000;
    const [{ bytes }] = await sql<{ bytes: number }[]>`select pg_database_size(current_database())::float8 as bytes`;
    return { copySeconds, indexSeconds, analyzeSeconds, dbBytes: bytes };
  } finally {
    await sql.end({ timeout: 5 });
  }
}
