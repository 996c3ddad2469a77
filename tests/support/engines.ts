/**
 * The query-layer unit tests (search, usage) run on both engines. db/tables.ts picks its tables once per process from DATABASE_URL, so
 * each engine needs its own process: a test file runs its cases on SQLite (in memory) and, when
 * TEST_DATABASE_URL names a PostgreSQL server, runs itself again in a child process with
 * TEST_ENGINE=postgres, where the same cases run on a fresh database created on that server.
 *
 *   npx tsx --test tests/unit/search.test.ts                                     SQLite only
 *   TEST_DATABASE_URL=postgres://… npx tsx --test tests/unit/search.test.ts      SQLite, then PostgreSQL
 *   TEST_DATABASE_URL=postgres://… TEST_ENGINE=postgres npx tsx --test …    PostgreSQL only
 *
 * Not a test file itself (no .test.ts), and it imports nothing from the app until DATABASE_URL is set.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { test } from "node:test";
import type { Db } from "@/db";

export const testEngine: "sqlite" | "postgres" = process.env.TEST_ENGINE === "postgres" ? "postgres" : "sqlite";

/** Opens this process's database for the engine under test and sets DATABASE_URL before the app is imported. */
export async function openTestDatabase(): Promise<{ db: Db; close: () => Promise<void> }> {
  process.env.AUTH_SECRET ??= "test";
  if (testEngine === "sqlite") {
    process.env.DATABASE_URL = ":memory:";
    const { getDb } = await import("@/db");
    return { db: getDb(), close: async () => {} };
  }
  const server = process.env.TEST_DATABASE_URL;
  if (!server)
    throw new Error("TEST_ENGINE=postgres needs TEST_DATABASE_URL (a server the tests may create databases on)");
  const { default: postgres } = await import("postgres");
  const { migratePostgres } = await import("@/db/engines/postgres");
  const name = `glm_unit_${process.pid}_${Date.now() % 1e6}`;
  const admin = postgres(server, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}" template template0 encoding 'UTF8'`);
  const url = Object.assign(new URL(server), { pathname: `/${name}` }).toString();
  await migratePostgres(url);
  process.env.DATABASE_URL = url;
  const { getDb } = await import("@/db");
  const db = getDb();
  return {
    db,
    close: async () => {
      await (db as unknown as { $client: { end: () => Promise<void> } }).$client.end();
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}

/** In the SQLite run: one more test that runs this whole file on PostgreSQL in a child process. */
export function alsoOnPostgres(file: string): void {
  if (testEngine !== "sqlite") return;
  const skip = process.env.TEST_DATABASE_URL ? false : "TEST_DATABASE_URL is not set";
  test(`the same cases on PostgreSQL (${path.basename(file)})`, { skip, timeout: 120_000 }, () => {
    const tsx = path.join(process.cwd(), "node_modules/.bin/tsx");
    // Without the parent runner's NODE_TEST_CONTEXT, the child reports to its own stdout in plain text.
    const { NODE_TEST_CONTEXT: _, ...env } = process.env;
    const r = spawnSync(tsx, ["--test", "--test-force-exit", "--test-reporter=spec", file], {
      encoding: "utf8",
      env: { ...env, TEST_ENGINE: "postgres" },
      timeout: 110_000,
    });
    if (r.status !== 0) throw new Error(`on PostgreSQL (exit ${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
    // A child that ran nothing (a wrong path, a filter) must not pass for one that ran everything.
    if (!(Number(/ℹ pass (\d+)/.exec(r.stdout)?.[1]) > 0))
      throw new Error(`on PostgreSQL: no test passed\n${r.stdout}`);
  });
}
