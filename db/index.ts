import "server-only";
import type { BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { engine } from "./engine";
import { openPostgres } from "./engines/postgres";
import { commitTurnNow } from "./engines/group-commit-sqlite";
import { openSqlite } from "./engines/sqlite";
import type * as schema from "./schema";
import { databasePath, databaseUrl, usingPostgres } from "./url";

/**
 * A connection (or a transaction on it) as the query layer sees it. Typed with the SQLite schema's query
 * builder; on PostgreSQL the same calls run on drizzle's postgres-js database with the pg tables
 * (db/tables.ts). What differs between the engines lives in db/engines/*.ts behind db/engine.ts.
 */
export type Db = BetterSQLite3Database<typeof schema>;

// Kept on globalThis so dev-mode reloads reuse one connection (pool) instead of leaking handles.
const holder = globalThis as unknown as { __glmDb?: Db };

/** The app's database: SQLite (migrated here at first use) or a PostgreSQL pool (migrated by `npm run db:migrate`). */
export function getDb(): Db {
  return (holder.__glmDb ??= (usingPostgres()
    ? openPostgres(databaseUrl())
    : openSqlite(databasePath(databaseUrl()))) as unknown as Db);
}

/** Opens a SQLite file for scripts and tests (created and migrated if needed). */
export function openDatabase(file: string): Db {
  return openSqlite(file) as unknown as Db;
}

/** True when the database answers a trivial query. */
export async function databaseHealthy(): Promise<boolean> {
  try {
    return await engine().healthy(getDb());
  } catch {
    return false;
  }
}

/**
 * Runs `fn` in one transaction and passes it the connection to use (`tx`): queries inside take `tx`, never a
 * global connection. On SQLite `fn` must await only queries (see db/engines/sqlite.ts).
 */
export function transaction<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  return engine().transaction(db, fn);
}

/** This request is about to write (a chat turn): its reads go with its writes (db/engines/sqlite.ts). */
export function readsJoinWrites(db: Db): void {
  engine().readsJoinWrites(db);
}

/** The first row of a result, for queries that look one row up. */
export const first = <T>(rows: T[]): T | undefined => rows[0];

/** Closes the app's connection (pool), for scripts that must exit when done. */
export async function closeDb(): Promise<void> {
  const db = holder.__glmDb as unknown as
    | { $client: { end?: (o?: object) => Promise<void>; close?: () => void } }
    | undefined;
  holder.__glmDb = undefined;
  if (!db) return;
  if (db.$client.end) await db.$client.end({ timeout: 5 });
  else {
    commitTurnNow(db.$client as unknown as import("better-sqlite3").Database);
    db.$client.close?.();
  }
}
