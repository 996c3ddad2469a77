/**
 * Run as a child process by tests/unit/exit-writes.test.ts: writes to a SQLite file as the server does in its
 * last moments (a request's ledger row, queued for the next batch; a write in the loop turn's shared
 * transaction) and exits at once, as `npm start` does once its last stream has ended.
 */
import { openDatabase } from "@/db";
import { joinTurnTransaction } from "@/db/engines/group-commit-sqlite";
import { openUsage } from "@/db/queries/usage";
import { createUser } from "@/db/queries/users";

async function main() {
  const [file, email] = process.argv.slice(2);
  const db = openDatabase(file);
  const { id: userId } = await createUser(db, { email, passwordHash: null });
  const usage = openUsage(db, {
    createdAt: Date.now(),
    userId,
    apiKeyId: null,
    source: "api",
    model: "GLM-4-Flash",
    stream: true,
    durationMs: 0,
  });
  usage.complete({ status: 200, errorCode: null, promptTokens: 12, completionTokens: 34, ttftMs: 5, durationMs: 40 });
  const client = (db as unknown as { $client: import("better-sqlite3").Database }).$client;
  joinTurnTransaction(client);
  client.prepare("update users set last_model = ? where id = ?").run("GLM-4-Long", userId);
  process.exit(0);
}

void main();
