/**
 * npm run bench:gc -- [build folder] [v1|chat] [streams]
 *
 * What one door's streams leave to the garbage collector: the app server (`npm start`'s flags, plus
 * `--trace-gc-nvp`) serves `streams` streams at 16 at a time (after 2,000 to warm it), and this prints its
 * scavenges, mark-compacts, their pauses, and the bytes promoted to the old generation per stream. A stream's
 * garbage should die young: what is promoted is either kept on purpose (a chat reply stays replayable for 30 s)
 * or a sign that something holds it longer than it seems to (a Set of per-stream entries promoted 11 KB a /v1
 * stream, an array of the same 0.2 KB). A build folder may carry `,NAME=value` and `,--flag` as in bench:ab.
 */
import type http from "node:http";
import { closedLoop } from "./lib/streams";
import { keepAliveAgent, startRigFromSpec } from "./doors/setup";

const spec = process.argv[2] ?? ".next-bench-doors";
const door = process.argv[3] ?? "v1";
const streams = Number(process.argv[4] ?? 6000);

async function main() {
  if (door !== "v1" && door !== "chat") throw new Error(`the door is v1 or chat, not ${door}`);
  const rig = await startRigFromSpec(`${spec},--trace-gc-nvp`);
  const run = async (count: number) => {
    const agent: http.Agent = keepAliveAgent();
    await closedLoop(16, count, () => rig.one(door, agent));
    agent.destroy();
  };
  await run(2000);
  const from = rig.server.output().length;
  const t0 = Date.now();
  await run(streams);
  const out = rig.server.output().slice(from);
  const sum = (re: RegExp) => [...out.matchAll(re)].reduce((s, m) => s + Number(m[1]), 0);
  const count = (re: RegExp) => (out.match(re) ?? []).length;
  console.log(
    `${spec} ${door}: ${streams} streams in ${Date.now() - t0} ms; ${count(/gc=s /g)} scavenges, ` +
      `${count(/gc=(mc|ms) /g)} mark-compacts, ${sum(/pause=([0-9.]+)/g).toFixed(0)} ms of pauses, ` +
      `${(sum(/promoted=(\d+)/g) / streams / 1024).toFixed(1)} KB promoted per stream`,
  );
  await rig.close();
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
