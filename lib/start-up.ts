import "server-only";

/**
 * What the server does once at start-up (instrumentation.ts calls it on the Node.js runtime only): open (and on
 * SQLite migrate) the database, settle the session secret, mark what a previous process left unfinished, load
 * the model catalogue, and hand the node:http doors to the production server. A broken configuration fails
 * here, loudly, rather than at the first request.
 */
export async function startServer() {
  try {
    await startUp();
    // The production server (scripts/server.mjs) answers /v1 and chat messages with these before Next's router.
    const { serveNodeDoors } = await import("@/lib/http/node-doors");
    // Last: scripts/server.mjs starts listening once it is here.
    (globalThis as Record<symbol, unknown>)[Symbol.for("glm-chat.node-doors")] = serveNodeDoors;
  } catch (err) {
    // A server that cannot work must not listen as if it could: say why, once, and stop (next dev keeps
    // running so the developer can fix the configuration and reload).
    console.error(`glm-chat cannot start: ${err instanceof Error ? err.message : String(err)}`);
    if (process.env.NODE_ENV === "production") process.exit(1);
    throw err;
  }
}

async function startUp() {
  const { getDb } = await import("@/db");
  const { usingPostgres, databasePath, databaseUrl, shownUrl } = await import("@/db/url");
  const { config } = await import("@/lib/config");
  void config().authSecret;
  // Before the file is opened (and migrated): one server per SQLite file.
  if (!usingPostgres()) await holdSqliteFile(databasePath(databaseUrl()));
  const db = getDb();
  if (usingPostgres()) {
    const { pendingMigrations } = await import("@/db/engines/postgres");
    const pending = await pendingMigrations(db);
    if (pending) {
      throw new Error(
        `The PostgreSQL database ${shownUrl(databaseUrl())} lacks ${pending} migration(s): ` +
          "run `npm run db:migrate` with the same DATABASE_URL, then start the app again.",
      );
    }
    // Replies and ledger rows of instances that died (stale claims, long-silent rows), while the other
    // instances keep streaming.
    const { startReplySweeper } = await import("@/lib/chat/reply-sweeper");
    startReplySweeper();
  } else {
    const { interruptStreamingReplies } = await import("@/db/queries/messages");
    const { closeUnfinishedUsage } = await import("@/db/queries/usage");
    // Whatever a previous process was writing when it died is marked as interrupted, its text and tokens
    // kept. Only on SQLite, where one process owns the database: on PostgreSQL other instances may be
    // streaming right now (lib/chat/reply-sweeper.ts finds the replies of instances that died).
    const replies = await interruptStreamingReplies(db);
    const requests = await closeUnfinishedUsage(db);
    if (replies || requests) {
      const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
      console.log(
        `glm-chat: left unfinished by the last run, marked interrupted: ${count(replies, "reply", "replies")}, ` +
          `${count(requests, "API or chat request", "API or chat requests")}.`,
      );
    }
  }
  // The model catalogue: MODELS_FILE written in (a bad file stops the start), or the defaults on a new database.
  await (await import("@/lib/model-catalogue")).loadCatalogue();
  if (config().demoMode) {
    console.log("glm-chat: no UPSTREAM_API_KEY set — replies come from the built-in demo upstream (simulated).");
  }
}

/** How long a server waits for the one still using its SQLite file to finish its replies and stop. */
const SQLITE_HANDOVER_WAIT_MS = 60_000;

async function holdSqliteFile(file: string) {
  if (file === ":memory:") return;
  const { holdServerLock } = await import("@/db/engines/sqlite-server-lock");
  const seconds = SQLITE_HANDOVER_WAIT_MS / 1000;
  const held = await holdServerLock(file, SQLITE_HANDOVER_WAIT_MS, () =>
    console.log(`glm-chat: another server is using ${file}; waiting up to ${seconds} s for it to stop…`),
  );
  if (!held) {
    throw new Error(
      `another server is still using ${file} after ${seconds} s. SQLite serves one process: stop the other ` +
        "server first, or run several instances on PostgreSQL (README: PostgreSQL and several instances).",
    );
  }
}
