import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import path from "node:path";
import { cjkGrams } from "@/db/search/cjk";
import * as schema from "./schema";
import { databasePath, databaseUrl } from "./url";

export type Db = BetterSQLite3Database<typeof schema>;

/** Opens a database file (created if missing) and brings it to the latest migration. */
export function openDatabase(file: string): { db: Db; sqlite: Database.Database } {
  if (file !== ":memory:") keepPrivate(file);
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("synchronous = NORMAL");
  // Used by the CJK search index's triggers (db/migrations/0007_cjk_search.sql): every connection that
  // writes messages opens through here.
  sqlite.function("cjk_grams", { deterministic: true }, (text: unknown) => cjkGrams(String(text ?? "")));
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder: path.join(process.cwd(), "db/migrations") });
  return { db, sqlite };
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

// Kept on globalThis so dev-mode reloads reuse one connection instead of leaking handles.
const holder = globalThis as unknown as { __glmDb?: { db: Db; sqlite: Database.Database } };

export function getDb(): Db {
  return (holder.__glmDb ??= openDatabase(databasePath(databaseUrl()))).db;
}

/** The raw better-sqlite3 connection, for the few hot statements prepared once (usage, key lookup). */
export function getSqlite(): Database.Database {
  getDb();
  return holder.__glmDb!.sqlite;
}

/** True when the database answers a trivial query. */
export function databaseHealthy(): boolean {
  try {
    getDb();
    return holder.__glmDb!.sqlite.prepare("select 1 as ok").get() !== undefined;
  } catch {
    return false;
  }
}

/**
 * Runs `fn` in one transaction and passes it the connection to use (`tx`): queries inside take `tx`, never a
 * global connection. On SQLite the connection is synchronous underneath (drizzle's own transaction() refuses
 * async callbacks), so this is BEGIN IMMEDIATE … COMMIT around `fn`: its queries resolve without yielding to
 * the event loop, so no other request's query can slip in — `fn` must await only queries, never other I/O.
 */
export async function transaction<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  const sqlite = (db as Db & { $client: Database.Database }).$client;
  if (sqlite.inTransaction) throw new Error("transaction(): already inside a transaction; pass `tx` down instead");
  sqlite.exec("BEGIN IMMEDIATE");
  try {
    const result = await fn(db);
    sqlite.exec("COMMIT");
    return result;
  } catch (err) {
    if (sqlite.inTransaction) sqlite.exec("ROLLBACK");
    throw err;
  }
}

/** The first row of a result, for queries that look one row up. */
export const first = <T>(rows: T[]): T | undefined => rows[0];
