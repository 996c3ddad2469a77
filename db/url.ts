import path from "node:path";

/** The database the app uses: `DATABASE_URL`, a SQLite file by default. Read here so db/ needs nothing from lib/. */
export const databaseUrl = () => process.env.DATABASE_URL || "file:./data/app.db";

/** The SQLite file of a `file:` (or bare path) URL, absolute; ":memory:" stays as it is. */
export function databasePath(url: string): string {
  if (url === ":memory:" || url === "file::memory:") return ":memory:";
  return path.resolve(url.replace(/^file:/, ""));
}
