/** Opens and migrates the database and settles the session secret at start-up, so the first request
 * never pays for it and a broken configuration fails loudly at boot. */
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { getDb } = await import("./db");
    const { interruptStreamingReplies } = await import("./db/queries/messages");
    const { closeUnfinishedUsage } = await import("./db/queries/usage");
    const { config } = await import("./lib/config");
    const db = getDb();
    // Whatever a previous process was writing when it died is marked as interrupted, its text and tokens kept.
    // (On the SQLite default there is one process per database; see the PostgreSQL issue for several.)
    const replies = await interruptStreamingReplies(db);
    const requests = closeUnfinishedUsage();
    if (replies || requests) {
      console.log(`glm-chat: ${replies} reply(ies) and ${requests} request(s) left unfinished by the last run are marked interrupted.`);
    }
    void config().authSecret;
    if (config().demoMode) {
      console.log("glm-chat: no UPSTREAM_API_KEY set — replies come from the built-in demo upstream (simulated).");
    }
  }
}
