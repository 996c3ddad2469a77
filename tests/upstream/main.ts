/** Runs the stand-in upstream on STANDIN_PORT (default 4010): `npm run standin`. */
import { startStandin } from "./server";

const port = Number(process.env.STANDIN_PORT ?? 4010);
const wordDelayMs = Number(process.env.STANDIN_WORD_DELAY_MS ?? 2);
const slowMs = Number(process.env.STANDIN_SLOW_MS ?? 3000);
const log = process.env.STANDIN_LOG !== "0";

startStandin({ port, wordDelayMs, slowMs, log }).then(({ port: p }) => {
  console.log(`stand-in upstream listening on http://127.0.0.1:${p}`);
});
