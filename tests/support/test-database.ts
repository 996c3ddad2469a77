/**
 * The database a unit test of the query layer runs on. `TEST_ENGINE=postgres` (npm test sets it for a
 * second run of these files, with TEST_DATABASE_URL naming a throw-away server): a fresh, migrated
 * PostgreSQL database; otherwise an in-memory SQLite one. Call before importing anything from `@/db`
 * (db/tables.ts picks the engine from DATABASE_URL when it is first imported), and `closeTestDatabase()`
 * in `after()` so the pool does not keep the process alive.
 */
import { randomBytes } from "node:crypto";
import postgres from "postgres";

export const testEngine = () => (process.env.TEST_ENGINE === "postgres" ? "postgres" : "sqlite");

export async function useTestDatabase(): Promise<string> {
  process.env.AUTH_SECRET ??= "test";
  if (testEngine() === "sqlite") return (process.env.DATABASE_URL = ":memory:");
  const server = process.env.TEST_DATABASE_URL;
  if (!server) throw new Error("TEST_ENGINE=postgres needs TEST_DATABASE_URL (npm test sets both).");
  const name = `unit_${randomBytes(6).toString("hex")}`;
  const admin = postgres(server, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = new URL(server);
  url.pathname = `/${name}`;
  const { migratePostgres } = await import("@/db/engines/postgres");
  await migratePostgres(url.toString());
  return (process.env.DATABASE_URL = url.toString());
}

export async function closeTestDatabase(): Promise<void> {
  const { closeDb } = await import("@/db");
  await closeDb();
}
