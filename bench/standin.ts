/**
 * The stand-in upstream as its own process for the benchmark (so its work does not share the client's
 * event loop). Prints `PORT <n>` once listening. Logging off: nothing on the hot path but the reply.
 */
import { startStandin } from "../tests/upstream/server";

const wordDelayMs = Number(process.env.STANDIN_WORD_DELAY_MS ?? 2);

startStandin({ port: 0, wordDelayMs, log: false }).then(({ port }) => {
  process.stdout.write(`PORT ${port}\n`);
});
process.on("SIGTERM", () => process.exit(0));
