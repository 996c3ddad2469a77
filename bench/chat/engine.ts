/**
 * What the chat benchmark needs from the database beside the app's own query functions: raw counts, the SQL a
 * query function runs, and its plan. SQLite: EXPLAIN QUERY PLAN on the app's better-sqlite3 handle.
 * PostgreSQL: EXPLAIN (ANALYZE, BUFFERS) on a connection of its own for the plan, and the "Execution Time" of
 * EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) for the server's own time for the statement (the client's wall clock
 * adds the round trip and the machine's load).
 */
import type Database from "better-sqlite3";
import type postgres from "postgres";
import type { Db } from "@/db";

export interface Captured {
  sql: string;
  params: unknown[];
}

export interface BenchEngine {
  name: "sqlite" | "postgres";
  /** Rows of a statement written with `?` placeholders. */
  all<T>(sql: string, params: unknown[]): Promise<T[]>;
  /** The statements `fn` runs, recorded through a logging drizzle instance on the same database. */
  capture(fn: (db: Db) => Promise<unknown>): Promise<Captured[]>;
  /** The plan of one captured statement, one line per node. */
  explain(c: Captured): Promise<string>;
  /** PostgreSQL: the server's execution time of the statement (median of `runs` EXPLAIN ANALYZE runs), ms. */
  serverMs?(c: Captured, runs?: number): Promise<number>;
  /** The SQLite handle, for the SQLite-only diagnosis. */
  sqlite?: Database.Database;
  close(): Promise<void>;
}

export async function sqliteEngine(sqlite: Database.Database): Promise<BenchEngine> {
  const { drizzle } = await import("drizzle-orm/better-sqlite3");
  const schema = await import("@/db/schema");
  return {
    name: "sqlite",
    sqlite,
    all: async <T>(sql: string, params: unknown[]) => sqlite.prepare(sql).all(...(params as never[])) as T[],
    async capture(fn) {
      const captured: Captured[] = [];
      await fn(
        drizzle(sqlite, {
          schema,
          logger: { logQuery: (q, p) => captured.push({ sql: q, params: p }) },
        }) as unknown as Db,
      );
      return captured;
    },
    async explain(c) {
      const rows = sqlite.prepare(`EXPLAIN QUERY PLAN ${c.sql}`).all(...(c.params as never[])) as {
        id: number;
        parent: number;
        detail: string;
      }[];
      const depth = new Map<number, number>([[0, -1]]);
      return rows
        .map((r) => {
          const d = (depth.get(r.parent) ?? -1) + 1;
          depth.set(r.id, d);
          return `${"  ".repeat(d)}${r.detail}`;
        })
        .join("\n");
    },
    close: async () => {},
  };
}

const numbered = (q: string) => {
  let n = 0;
  return q.replace(/\?/g, () => `$${++n}`);
};

export async function postgresEngine(url: string): Promise<BenchEngine> {
  const { default: postgresJs } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const schema = await import("@/db/pg/schema");
  const sql: postgres.Sql = postgresJs(url, {
    max: 1,
    onnotice: () => {},
    types: { int8: { to: 20, from: [20], serialize: String, parse: Number } } as never,
  });
  // The plan shown: per-node times. The server time: TIMING OFF, because per-node timing costs two clock reads
  // per row a node returns (slow ones in a VM), which overstates plans that pass many rows between nodes (a
  // hashed SubPlan built from thousands of rows) next to plans that filter inside one node (a walk).
  const plan = async (c: Captured, timing = true) =>
    (await sql.unsafe(`explain (analyze, buffers${timing ? "" : ", timing off"}) ${c.sql}`, c.params as never[])).map(
      (r) => String((r as Record<string, unknown>)["QUERY PLAN"]),
    );
  return {
    name: "postgres",
    all: async <T>(q: string, params: unknown[]) =>
      (await sql.unsafe(numbered(q), params as never[])) as unknown as T[],
    async capture(fn) {
      const captured: Captured[] = [];
      await fn(
        drizzle(sql, { schema, logger: { logQuery: (q, p) => captured.push({ sql: q, params: p }) } }) as unknown as Db,
      );
      return captured;
    },
    explain: async (c) => (await plan(c)).join("\n"),
    async serverMs(c, runs = 5) {
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const line = (await plan(c, false)).find((l) => l.startsWith("Execution Time"));
        times.push(Number(/([\d.]+) ms/.exec(line ?? "")?.[1] ?? NaN));
      }
      times.sort((a, b) => a - b);
      return times[Math.floor(times.length / 2)];
    },
    close: () => sql.end({ timeout: 5 }),
  };
}
