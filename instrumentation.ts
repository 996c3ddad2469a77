/** Opens (and on SQLite migrates) the database and settles the session secret at start-up, so the first
 * request never pays for it and a broken configuration fails loudly at boot (lib/start-up.ts). */
export async function register() {
  // The edge build drops this branch, so it bundles none of the Node.js-only start-up: `next dev` compiled it
  // for the edge runtime too and printed a warning for every Node.js API in it.
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { startServer } = await import("./lib/start-up");
    await startServer();
  }
}
