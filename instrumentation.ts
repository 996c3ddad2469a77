/** Opens and migrates the database and settles the session secret at start-up, so the first request
 * never pays for it and a broken configuration fails loudly at boot. */
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { getDb } = await import("./db");
    const { config } = await import("./lib/config");
    getDb();
    void config().authSecret;
    if (config().demoMode) {
      console.log("glm-chat: no UPSTREAM_API_KEY set — replies come from the built-in demo upstream (simulated).");
    }
  }
}
