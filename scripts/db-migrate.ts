/**
 * npm run db:migrate — brings the database named by DATABASE_URL to the latest migration, as an explicit
 * deploy step before (re)starting instances:
 * - postgres://… with db/pg/migrations, under an advisory lock (db/engines/postgres.ts migratePostgres), so
 *   running it from several instances or deploy jobs at once is safe;
 * - file:… (the default, file:./data/app.db) with db/migrations, the same way the app does at start-up.
 */
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import path from "node:path";
import { migratePostgres } from "@/db/engines/postgres";
import { databasePath, isPostgresUrl, shownUrl } from "@/db/url";
import { cjkGrams } from "@/db/search/cjk";

/**
 * As db/index.ts openDatabase() does, without importing it (it reads the whole app config): a private
 * data folder and file, the pragmas, and cjk_grams() — migration 0007 fills the CJK index through it.
 */
function migrateSqlite(file: string) {
  if (file !== ":memory:") {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    if (!existsSync(file)) closeSync(openSync(file, "a", 0o600));
    chmodSync(file, 0o600);
  }
  const sqlite = new Database(file);
  try {
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("busy_timeout = 5000");
    sqlite.pragma("foreign_keys = ON");
    sqlite.function("cjk_grams", { deterministic: true }, (text: unknown) => cjkGrams(String(text ?? "")));
    migrate(drizzle(sqlite), { migrationsFolder: path.join(process.cwd(), "db/migrations") });
  } finally {
    sqlite.close();
  }
}

async function main() {
  const url = process.env.DATABASE_URL || "file:./data/app.db";
  if (isPostgresUrl(url)) await migratePostgres(url);
  else migrateSqlite(databasePath(url));
  console.log(`db:migrate: ${shownUrl(url)} is at the latest migration.`);
}

main().catch((e: unknown) => {
  console.error(`db:migrate: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
