/**
 * The tables the query layer addresses: SQLite's (db/schema.ts) or PostgreSQL's twin (db/pg/schema.ts),
 * chosen once per process by DATABASE_URL. Both schemas have the same table names, column names and JS
 * types, so the queries in db/queries are written once. They are typed with the SQLite schema: the query
 * builder calls they use (select/insert/update/delete, returning, onConflict…, awaited) exist with the same
 * shape on both engines; anything that differs lives in db/engines/*.ts.
 */
import "server-only";
import * as pg from "./pg/schema";
import * as sqlite from "./schema";
import { usingPostgres } from "./url";

const chosen = (usingPostgres() ? pg : sqlite) as unknown as typeof sqlite;

export const {
  users,
  apiKeys,
  usage,
  usageHourly,
  conversations,
  messages,
  shares,
  sessions,
  authAttempts,
  attachments,
  models,
} = chosen;
