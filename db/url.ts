import "server-only";
import path from "node:path";

/** The database the app uses: `DATABASE_URL`, a SQLite file by default. Read here so db/ needs nothing from lib/. */
export const databaseUrl = () => process.env.DATABASE_URL || "file:./data/app.db";

/** DATABASE_URL names PostgreSQL (postgres:// or postgresql://); anything else is a SQLite file. */
export const isPostgresUrl = (url: string) => /^postgres(ql)?:\/\//i.test(url);

/** True when this process runs on PostgreSQL (decided once per process, by DATABASE_URL). */
export const usingPostgres = () => isPostgresUrl(databaseUrl());

/** The SQLite file of a `file:` (or bare path) URL, absolute; ":memory:" stays as it is. */
export function databasePath(url: string): string {
  if (url === ":memory:" || url === "file::memory:") return ":memory:";
  return path.resolve(url.replace(/^file:/, ""));
}

/** The URL without its password, for messages and logs. */
export function shownUrl(url: string): string {
  if (!isPostgresUrl(url)) return url;
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return url;
  }
}
