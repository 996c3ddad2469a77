/**
 * The engine-specific half of the query layer, chosen once per process by DATABASE_URL: db/engines/sqlite.ts
 * (the default) or db/engines/postgres.ts. Both export the same functions; queries call `engine().x(db, …)`.
 */
import "server-only";
import * as postgres from "./engines/postgres";
import * as sqlite from "./engines/sqlite";
import { usingPostgres } from "./url";

export interface Engine {
  name: "sqlite" | "postgres";
  transaction: typeof sqlite.transaction;
  readsJoinWrites: typeof sqlite.readsJoinWrites;
  accountCreation: typeof sqlite.accountCreation;
  rows: typeof sqlite.rows;
  healthy: typeof sqlite.healthy;
  nowMs: typeof sqlite.nowMs;
  dayOf: typeof sqlite.dayOf;
  indexHint: typeof sqlite.indexHint;
  text: typeof sqlite.text;
  isUniqueViolation: typeof sqlite.isUniqueViolation;
  findUsableKeyByHash: typeof sqlite.findUsableKeyByHash;
  saveReplyProgress: typeof sqlite.saveReplyProgress;
  searchConversationIds: typeof sqlite.searchConversationIds;
}

const engines: Record<Engine["name"], Engine> = {
  sqlite: { name: "sqlite", ...sqlite },
  postgres: { name: "postgres", ...postgres },
};

let chosen: Engine | undefined;
/** Read once: the query layer asks for it several times per request, and DATABASE_URL does not change. */
export const engine = (): Engine => (chosen ??= engines[usingPostgres() ? "postgres" : "sqlite"]);
