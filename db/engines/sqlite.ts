/**
 * Everything SQLite-specific (the zero-configuration default): opening a file, migrating it at start-up,
 * FTS5 search, and the hot statements prepared once per connection. The query layer asks db/engine.ts,
 * which hands it this module or db/engines/postgres.ts.
 */
import "server-only";
import Database from "better-sqlite3";
import { sql, type SQL } from "drizzle-orm";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import path from "node:path";
import type { MessageSource } from "@/db/schema";
import * as schema from "@/db/schema";
import { cjkGrams, isCjkQuery } from "@/db/search/cjk";
import { containsPattern, normalizeSearchQuery } from "@/db/search/query";
import { checkpointInBackground } from "./checkpoint-sqlite";
import { inTurnTransaction, joinTurnTransaction } from "./group-commit-sqlite";
import { indexBacklog, startIndexingBacklog } from "./search-backlog-sqlite";
import { createHash } from "node:crypto";

export type SqliteDb = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export const SQLITE_MIGRATIONS = path.join(process.cwd(), "db/migrations");

/**
 * Session ids stored before they were hashed (lib/auth/sessions.ts): replaced by their SHA-256, so that those
 * sessions stay signed in. What PostgreSQL's migration 0009_session_id_hash.sql does; SQLite has no SHA-256 in
 * SQL, and a function registered for a migration would stop builds from before it starting on this folder's
 * migrations (bench:ab runs old builds against them). A raw id is 24 characters, a hash 64: nothing is hashed
 * twice, and with none left this is one scan of a table the size of the live sessions.
 */
export function hashStoredSessionIds(client: Database.Database) {
  const raw = client.prepare("select id from sessions where length(id) <> 64").pluck().all() as string[];
  if (!raw.length) return;
  const rename = client.prepare("update sessions set id = ? where id = ?");
  client.transaction(() => {
    for (const id of raw) rename.run(createHash("sha256").update(id).digest("hex"), id);
  })();
}

/** Opens a database file (created if missing) and brings it to the latest migration. */
export function openSqlite(file: string): SqliteDb {
  if (file !== ":memory:") keepPrivate(file);
  const client = new Database(file);
  client.pragma("journal_mode = WAL");
  client.pragma("busy_timeout = 5000");
  client.pragma("foreign_keys = ON");
  client.pragma("synchronous = NORMAL");
  // Statement and savepoint journals in memory: a chat turn's writes run in a savepoint inside the loop turn's
  // shared transaction (group-commit-sqlite.ts), and SQLite keeps the original of every page a savepoint
  // touches in a sub-journal that spills to a temporary file past 64 KiB: under load that was ~40 small
  // writes per chat turn to that file (strace, 32 streams), more than the WAL's own.
  // A journal holds the originals of the pages its savepoint or statement changes, until that ends: a few
  // pages per chat turn; the most is one statement that changes much of the file (deleting an account with
  // 10 MB of messages holds about that much for the moment of the delete). Temporary sort tables are in
  // memory too.
  client.pragma("temp_store = MEMORY");
  // Used by the CJK search index's triggers (db/migrations/0007_cjk_search.sql): every connection that
  // writes messages opens through here.
  client.function("cjk_grams", { deterministic: true }, (text: unknown) => cjkGrams(String(text ?? "")));

  cacheStatements(client);
  const db = drizzle(client, { schema }) as SqliteDb;
  migrate(db, { migrationsFolder: SQLITE_MIGRATIONS });
  hashStoredSessionIds(client);
  if (file !== ":memory:") checkpointInBackground(client, file);
  startIndexingBacklog(client);
  return db;
}

/** Distinct SQL texts kept prepared (queries with IN lists of many lengths make many; the rest are few). */
const STATEMENT_CACHE_SIZE = 500;

/**
 * Drizzle prepares every query's statement again at each call, which on a chat turn's dozen queries was
 * ~3 % of the chat door's CPU (profile: better-sqlite3 `prepare`). Statements are reusable, and the
 * connection is used from one thread one call at a time, so the connection keeps them by SQL text (least
 * recently used dropped). Drizzle switches a statement to raw (array) rows for mapped selects and runs it
 * plain otherwise: a reused reader is set back to plain rows first.
 */
function cacheStatements(client: Database.Database) {
  const prepare = client.prepare.bind(client);
  const cache = new Map<string, Database.Statement>();
  client.prepare = ((source: string) => {
    let stmt = cache.get(source);
    if (stmt) {
      cache.delete(source);
      if (stmt.reader) stmt.raw(false);
    } else {
      stmt = prepare(source);
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    }
    cache.set(source, stmt);
    return stmt;
  }) as typeof client.prepare;
}

/**
 * Conversations and password hashes are nobody else's business on a shared machine: the data folder we create
 * is 0700 and the database 0600 (SQLite gives its -wal and -shm files the database file's mode).
 */
function keepPrivate(file: string) {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  if (!existsSync(file)) closeSync(openSync(file, "a", 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      if (existsSync(f)) chmodSync(f, 0o600);
    } catch {
      // Not ours to change (a read-only mount, another owner): SQLite will say so if it matters.
    }
  }
}

const client = (db: unknown) => (db as SqliteDb).$client;

let savepoints = 0;

/**
 * A request that is about to write (a chat turn) reads inside the turn's shared transaction, which its writes
 * open anyway: a read outside a transaction takes and drops a WAL read lock each time (~8 µs a read; a chat
 * turn makes three, ~1.5 % of its CPU).
 */
export function readsJoinWrites(db: unknown) {
  joinTurnTransaction(client(db));
}

/**
 * `fn`'s writes as one atomic unit, in a savepoint inside this event-loop turn's shared transaction
 * (group-commit-sqlite.ts), committed with the turn's other writes. `fn` gets the connection to use (`tx`).
 * The connection is synchronous underneath (drizzle's own transaction() refuses async callbacks), so `fn`'s
 * queries resolve without yielding to the event loop and no other request's query can slip in: `fn` must
 * await only queries, never other I/O.
 */
export async function transaction<D, T>(db: D, fn: (tx: D) => Promise<T>): Promise<T> {
  const c = client(db);
  if (c.inTransaction && !inTurnTransaction(c))
    throw new Error("transaction(): already inside a transaction; pass `tx` down instead");
  joinTurnTransaction(c);
  const name = `tx${++savepoints}`;
  c.exec(`SAVEPOINT ${name}`);
  try {
    const result = await fn(db);
    c.exec(`RELEASE ${name}`);
    return result;
  } catch (err) {
    if (c.inTransaction) c.exec(`ROLLBACK TO ${name}; RELEASE ${name}`);
    throw err;
  }
}

/** SQLite has one writer at a time, and an insert's NOT EXISTS is read in its own write: nothing to lock. */
export async function accountCreation<D, T>(db: D, fn: (tx: D) => Promise<T>): Promise<T> {
  return fn(db);
}

/** Rows of a hand-written select. */
export async function rows<T>(db: unknown, query: SQL): Promise<T[]> {
  return (db as SqliteDb).all<T>(query);
}

export async function healthy(db: unknown): Promise<boolean> {
  return client(db).prepare("select 1 as ok").get() !== undefined;
}

/** Wall-clock ms. */
export const nowMs: SQL = sql`(cast(unixepoch('subsec') * 1000 as integer))`;

/** The calendar day ('YYYY-MM-DD') of a ms timestamp shifted by `offsetMs` (the viewer's zone). */
export function dayOf(msExpr: SQL, offsetMs: number): SQL {
  return sql`date(((${msExpr}) + ${offsetMs}) / 1000, 'unixepoch')`;
}

/** SQLite's planner sometimes needs telling which covering index answers a report. */
export function indexHint(name: string): SQL {
  return sql.raw(` indexed by ${name}`);
}

/** SQLite text holds any string. */
export const text = (s: string) => s;

export const isUniqueViolation = (e: unknown) => /UNIQUE constraint failed/.test(String((e as Error)?.message));

type KeyAuthRow = { id: string; userId: string; hash: string; expiresAt: number | null };
const keyLookups = new WeakMap<object, (hash: string, now: number) => KeyAuthRow | undefined>();

/** The usable key with this hash: runs on every /v1 request, so prepared once per connection. */
export async function findUsableKeyByHash(db: unknown, { hash, now }: { hash: string; now: number }) {
  const c = client(db);
  let lookup = keyLookups.get(c);
  if (!lookup) {
    const stmt = c.prepare(`select id, user_id as userId, hash, expires_at as expiresAt from api_keys
      where hash = ? and revoked_at is null and (expires_at is null or expires_at > ?)`);
    keyLookups.set(c, (lookup = (h, n) => stmt.get(h, n) as KeyAuthRow | undefined));
  }
  return lookup(hash, now);
}

const progressStatements = new WeakMap<object, Database.Statement>();

type Progress = {
  id: string;
  content: string;
  reasoning?: string | null;
  reasoningMs?: number | null;
  sources?: MessageSource[] | null;
};

/**
 * A streaming reply's text so far, and its reasoning and sources (null keeps what was saved: a continued reply
 * keeps its earlier reasoning); every 250 ms per streaming reply, so prepared once per connection.
 */
export async function saveReplyProgress(db: unknown, p: Progress) {
  const c = client(db);
  let statement = progressStatements.get(c);
  if (!statement) {
    statement = c.prepare(`update messages set content = ?, reasoning = coalesce(?, reasoning),
      reasoning_ms = coalesce(?, reasoning_ms), sources = coalesce(?, sources) where id = ? and status = 'streaming'`);
    progressStatements.set(c, statement);
  }
  joinTurnTransaction(c);
  statement.run(
    p.content,
    p.reasoning ?? null,
    p.reasoningMs ?? null,
    p.sources ? JSON.stringify(p.sources) : null,
    p.id,
  );
}

/**
 * The user's conversations whose title or any finished message contains `query`, most recently updated first.
 * Three or more characters use the trigram FTS5 index; one or two CJK characters (common in Chinese and
 * Japanese) the character/pair index. Message hits are read newest first and the scan stops once enough of
 * the user's conversations are found, so a common word costs the same as a rare one. Other short queries
 * scan the user's own rows.
 */
export async function searchConversationIds(
  db: unknown,
  { userId, query, limit }: { userId: string; query: string; limit: number },
): Promise<string[]> {
  const q = normalizeSearchQuery(query);
  if (!q || limit <= 0) return [];
  const c = client(db);
  // Everything written before this search is found (new rows reach the indexes in batches).
  indexBacklog(c);
  const like = containsPattern(q);
  const trigram = [...q].length >= 3;
  if (!trigram && !isCjkQuery(q)) {
    return (
      c
        .prepare(`select c.id from conversations c where c.user_id = ? and (c.title like ? escape '\\'
        or exists (select 1 from messages m where m.conversation_id = c.id and m.status <> 'streaming'
          and m.content like ? escape '\\'))
      order by c.updated_at desc, c.seq desc limit ?`)
        .all(userId, like, like, limit) as { id: string }[]
    ).map((r) => r.id);
  }
  const phrase = `"${q.replace(/"/g, '""')}"`;
  const titleHits = trigram
    ? c
        .prepare(`select id from conversations where user_id = ? and seq in
        (select rowid from conversations_fts where conversations_fts match ?)`)
        .all(userId, phrase)
    : c.prepare(`select id from conversations where user_id = ? and title like ? escape '\\'`).all(userId, like);
  const ids = new Set<string>((titleHits as { id: string }[]).map((r) => r.id));
  const index = trigram ? "messages_fts" : "messages_cjk";
  const hits = c.prepare(`select m.conversation_id as id, c.user_id as owner
    from ${index} f join messages m on m.seq = f.rowid join conversations c on c.id = m.conversation_id
    where ${index} match ? order by f.rowid desc`);
  for (const hit of hits.iterate(phrase) as Iterable<{ id: string; owner: string }>) {
    if (ids.size >= limit * 2) break;
    if (hit.owner === userId) ids.add(hit.id);
  }
  if (!ids.size) return [];
  const list = [...ids];
  return (
    c
      .prepare(`select id from conversations where user_id = ? and id in (${list.map(() => "?").join(",")})
    order by updated_at desc, seq desc limit ?`)
      .all(userId, ...list, limit) as { id: string }[]
  ).map((r) => r.id);
}
