/**
 * The server's database as the tests see it, on either engine: `DATABASE_URL` is a SQLite file or a
 * PostgreSQL URL (npm test runs the integration suite on both). Queries are written once with `?`
 * placeholders; booleans are compared by truth (`and stream`), which both engines understand.
 */
import Database from "better-sqlite3";
import postgres from "postgres";
import { isPostgresUrl } from "@/db/url";

const clients = new Map<string, postgres.Sql>();

function pg(url: string): postgres.Sql {
  let sql = clients.get(url);
  if (!sql) {
    // Idle connections close after a second, so a finished test file's process can exit.
    sql = postgres(url, {
      max: 2,
      idle_timeout: 1,
      onnotice: () => {},
      types: { int8: { to: 20, from: [20], serialize: String, parse: Number } } as never,
    });
    clients.set(url, sql);
  }
  return sql;
}

const numbered = (query: string) => {
  let n = 0;
  return query.replace(/\?/g, () => `$${++n}`);
};

/** Rows of a query on the server's database (or another one, by URL). */
export async function sqlRows<T = Record<string, unknown>>(
  query: string,
  params: unknown[] = [],
  url = process.env.DATABASE_URL!,
): Promise<T[]> {
  if (isPostgresUrl(url)) return (await pg(url).unsafe(numbered(query), params as never[])) as unknown as T[];
  const db = new Database(url.replace(/^file:/, ""), { fileMustExist: true });
  try {
    db.pragma("busy_timeout = 5000");
    const stmt = db.prepare(query);
    if (stmt.reader) return stmt.all(...params) as T[];
    stmt.run(...params);
    return [];
  } finally {
    db.close();
  }
}

/** The first row, or undefined. */
export const sqlRow = async <T = Record<string, unknown>>(query: string, params: unknown[] = [], url?: string) =>
  (await sqlRows<T>(query, params, url))[0];
