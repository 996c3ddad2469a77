import "server-only";
/**
 * Everything PostgreSQL-specific, as plain functions over a drizzle database (or a transaction) on the pg
 * schema: opening, migrating, search (search-postgres.ts), and the few SQL expressions that differ from SQLite. The query layer
 * stays engine-neutral and asks the engine module for these.
 */
import { sql, type SQL } from "drizzle-orm";
import { drizzle, type PostgresJsDatabase, type PostgresJsQueryResultHKT } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import type { PgDatabase } from "drizzle-orm/pg-core";
import path from "node:path";
import postgres from "postgres";
import type { MessageSource } from "@/db/schema";
import * as schema from "@/db/pg/schema";

export type PgDb = PostgresJsDatabase<typeof schema> & { $client: postgres.Sql };
/** A database or a transaction on it: every query function takes either, so a transaction passes its tx down. */
export type PgExecutor = PgDatabase<PostgresJsQueryResultHKT, typeof schema>;

export { isPostgresUrl } from "@/db/url";
export { searchConversationIds } from "./search-postgres";

export const PG_MIGRATIONS = path.join(process.cwd(), "db/pg/migrations");

/**
 * int8 (bigint: times in ms, identity keys, count(*)) and numeric (what sum() of bigint returns) arrive as
 * strings by default, to be safe past 2^53. Our values are milliseconds and token counts, far below that,
 * and the SQLite engine returns numbers: parse both as numbers so raw aggregates look the same on both.
 */
const numberTypes = {
  int8: { to: 20, from: [20], serialize: (x: number | bigint) => String(x), parse: (x: string) => Number(x) },
  numeric: { to: 1700, from: [1700], serialize: (x: number) => String(x), parse: (x: string) => Number(x) },
};

export interface OpenPostgresOptions {
  /** Connections this process keeps at most (default PG_POOL_MAX or 10). */
  max?: number;
}

/**
 * One pool per process. 10 connections by default: each app instance mostly waits on the network (the
 * upstream), and PostgreSQL's default max_connections of 100 then leaves room for ~8 instances plus admin
 * sessions. Idle connections close after 60 s so a quiet instance does not hold slots.
 */
export function openPostgres(url: string, options: OpenPostgresOptions = {}): PgDb {
  const client = postgres(url, {
    max: options.max ?? (Number(process.env.PG_POOL_MAX) || 10),
    idle_timeout: 60,
    connect_timeout: 10,
    onnotice: () => {},
    types: numberTypes,
    connection: { application_name: "glm-chat" },
  });
  return drizzle(client, { schema }) as PgDb;
}

/** Any fixed 64-bit number, the same in every instance: the key of the "migrating" advisory lock. */
const MIGRATION_LOCK = 0x676c6d63686174n; // "glmchat"

/**
 * Brings the database to the latest migration, safe when several instances start at once: each takes a
 * session-level advisory lock on its own single connection (a lock belongs to the connection that took
 * it, so a pool would not do), then runs drizzle's migrator, which skips what the first one applied.
 * Without the lock, two migrators racing on an empty database both try CREATE SCHEMA / CREATE TABLE and
 * one fails. The lock ends with the connection even if this process dies mid-way.
 */
export async function migratePostgres(url: string, migrationsFolder = PG_MIGRATIONS): Promise<void> {
  const client = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10, types: numberTypes });
  try {
    await client`select pg_advisory_lock(${MIGRATION_LOCK.toString()}::bigint)`;
    try {
      await migrate(drizzle(client, { schema }), { migrationsFolder });
    } finally {
      await client`select pg_advisory_unlock(${MIGRATION_LOCK.toString()}::bigint)`;
    }
  } finally {
    await client.end({ timeout: 5 });
  }
}

/** Nothing to do on PostgreSQL: each query is its own round trip (db/engines/sqlite.ts says why SQLite has it). */
export function readsJoinWrites(_db: unknown) {}

/**
 * A real PostgreSQL transaction around `fn`, which gets the transaction to use (`tx`) and passes it down.
 * Nested calls are refused as on SQLite, so code written on one engine does not silently nest on the other.
 */
export async function transaction<D, T>(db: D, fn: (tx: D) => Promise<T>): Promise<T> {
  if (inTransaction.has(db as object)) {
    throw new Error("transaction(): already inside a transaction; pass `tx` down instead");
  }
  return (db as unknown as PgExecutor).transaction(async (tx) => {
    inTransaction.add(tx);
    return fn(tx as unknown as D);
  });
}
const inTransaction = new WeakSet<object>();

/** The key of the lock that lets only one account at a time be made with a password (see accountCreation). */
const ACCOUNT_CREATION_LOCK = 0x676c6d61646d696en; // "glmadmin"

/**
 * Runs `fn` (an account's insert) holding a transaction-level advisory lock, in the caller's transaction if
 * it has one. Whether an account is the first that can sign in (and so the admin) is decided by a NOT EXISTS
 * in its insert; under read committed two sign-ups at the same instant would each see none and both become
 * admins. The lock makes the second wait for the first's commit. It ends with the transaction.
 */
export async function accountCreation<D, T>(db: D, fn: (tx: D) => Promise<T>): Promise<T> {
  const locked = async (tx: D) => {
    await (tx as unknown as PgExecutor).execute(
      sql`select pg_advisory_xact_lock(${ACCOUNT_CREATION_LOCK.toString()}::bigint)`,
    );
    return fn(tx);
  };
  return inTransaction.has(db as object) ? locked(db) : transaction(db, locked);
}

/** Rows of a hand-written select. */
export async function rows<T>(db: unknown, query: SQL): Promise<T[]> {
  return (await (db as PgExecutor).execute(query)) as unknown as T[];
}

export async function healthy(db: unknown): Promise<boolean> {
  return (await rows(db, sql`select 1 as ok`)).length === 1;
}

/** PostgreSQL text cannot hold U+0000: see pgText. */
export const text = (s: string) => pgText(s);

/** The usable key with this hash (every /v1 request; postgres.js prepares the statement once per connection). */
export async function findUsableKeyByHash(db: unknown, { hash, now }: { hash: string; now: number }) {
  const found = await rows<{ id: string; userId: string; hash: string; expiresAt: number | null }>(
    db,
    sql`select id, user_id as "userId", hash, expires_at as "expiresAt"
    from api_keys where hash = ${hash} and revoked_at is null and (expires_at is null or expires_at > ${now})`,
  );
  return found[0];
}

/** A streaming reply's text, reasoning and sources so far (every 250 ms per streaming reply; null keeps what was saved). */
export async function saveReplyProgress(
  db: unknown,
  p: {
    id: string;
    content: string;
    reasoning?: string | null;
    reasoningMs?: number | null;
    sources?: MessageSource[] | null;
  },
) {
  const reasoning = p.reasoning == null ? null : pgText(p.reasoning);
  const sources = p.sources ? JSON.stringify(p.sources) : null;
  await (db as PgExecutor).execute(sql`update messages set content = ${pgText(p.content)},
    reasoning = coalesce(${reasoning}::text, reasoning), reasoning_ms = coalesce(${p.reasoningMs ?? null}::integer, reasoning_ms),
    sources = coalesce(${sources}::jsonb, sources)
    where id = ${p.id} and status = 'streaming'`);
}

/** Wall-clock ms, the counterpart of SQLite's cast(unixepoch('subsec') * 1000 as integer). */
export const nowMs: SQL = sql`(floor(extract(epoch from clock_timestamp()) * 1000)::bigint)`;

/**
 * The UTC calendar day ('YYYY-MM-DD') of a ms timestamp shifted by `offsetMs` (the viewer's zone): the
 * counterpart of SQLite's date((ms + offset) / 1000, 'unixepoch').
 */
export function dayOf(msExpr: SQL, offsetMs: number): SQL {
  return sql`to_char(to_timestamp(((${msExpr}) + ${offsetMs}::bigint) / 1000) at time zone 'UTC', 'YYYY-MM-DD')`;
}

/** SQLite's `indexed by` hints have no PostgreSQL counterpart: the planner picks; this renders nothing. */
export function indexHint(_name: string): SQL {
  return sql``;
}

/**
 * PostgreSQL text cannot hold U+0000 ("invalid byte sequence"); SQLite can. Text from users or from the
 * upstream goes through this before it is written, so a stray NUL costs a character, not the request.
 */
export const pgText = (s: string) => (s.includes("\0") ? s.replaceAll("\0", "\uFFFD") : s);

/** True for a unique-constraint violation (SQLite's SQLITE_CONSTRAINT_UNIQUE). */
export const isUniqueViolation = (e: unknown) => (e as { code?: string } | null)?.code === "23505";

/**
 * How many of this build's migrations the database has not applied (drizzle records them in
 * drizzle.__drizzle_migrations). The app does not migrate PostgreSQL itself: `npm run db:migrate` is the
 * deploy step, and an instance refuses to start on a database it does not know the shape of.
 */
export async function pendingMigrations(db: unknown, migrationsFolder = PG_MIGRATIONS): Promise<number> {
  const { readFileSync } = await import("node:fs");
  const journal = JSON.parse(readFileSync(path.join(migrationsFolder, "meta/_journal.json"), "utf8")) as {
    entries: unknown[];
  };
  const [{ exists }] = await rows<{ exists: boolean }>(
    db,
    sql`select to_regclass('drizzle.__drizzle_migrations') is not null as exists`,
  );
  if (!exists) return journal.entries.length;
  const [{ n }] = await rows<{ n: number }>(db, sql`select count(*) as n from drizzle.__drizzle_migrations`);
  return Math.max(0, journal.entries.length - n);
}
