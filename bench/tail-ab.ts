/**
 * One server set-up against another for the tail: `npm run bench:tail -- A B [levels] [rounds] [--chat]`.
 * A and B are build folders, each optionally followed by environment (`NAME=value`) and node flags for its app
 * server (`--flag`, after npm start's own), comma-separated: `.next-bench-doors,--max-semi-space-size=32`.
 * levels: concurrencies, comma-separated (default 32,256); rounds per level (default 24).
 *
 * What bench:ab cannot tell. /v1's p99 time to first token is judged against direct's, round by round, and a
 * round's p99 at 32 or 256 streams is its opening burst of new connections: per round it moves by 2–8× (the
 * two cores shared by client, stand-in and server), so eight rounds, as the tenth and fifteenth sessions ran,
 * cannot tell a change from the spread. Each set-up here has its own rig (stand-in, pass-through, server) and
 * each round is that rig's direct path, then its /v1, as bench:doors runs them (one after the other, a fresh
 * client pool each); the set-ups alternate, the order flipped every round. Printed per level and set-up: the
 * median over rounds of v1 p99 ÷ direct p99, with a 95 % bootstrap interval of that median, the share of
 * rounds within 2×, and the median p50s. An interval that does not overlap the other set-up's is a difference.
 *
 * `npm run bench:tail -- A --floor [levels] [rounds]` measures one set-up, with its pass-through (the bare
 * node:http proxy) and its relay (bench/relay.mjs: the body parsed and written again, sent through undici's Pool,
 * the bytes copied back) between direct and /v1 in every round: the floor any proxy pays on this machine, the
 * floor of a door built as /v1 is, and /v1's own figures.
 *
 * `--chat` measures the chat door instead, by its target: each round runs the set-up's direct path, its
 * pass-through and its chat door alone, as bench:doors loads them, and prints the median added p50 TTFT of the
 * chat and of the pass-through (each round against its own direct path), their ratio (the pass-through's
 * taken as at least 0.25 ms, as bench:doors takes it) and the share of rounds within 12×. The chat door
 * near saturation moves by several ms from round to round; this is how a change to it is told from that.
 */
import { MIN_ADDED_MS } from "./doors/derive";
import { runRound } from "./doors/latency";
import { type PathName, type Rig, startRigFromSpec } from "./doors/setup";
import { f1, f2, pct } from "./lib/stats";
import { killChildrenNow, median, runBench } from "./support";

/** As bench:doors runs each level (bench/doors.ts). */
const COUNT: Record<number, number> = { 1: 200, 32: 1000, 256: 1536 };

type Measured = "direct" | "pass-through" | "relay" | "v1" | "chat";
type Series = Record<Measured, { p99: number[]; p50: number[] }>;

interface Setup {
  name: string;
  spec: string;
  rig: Rig;
  rounds: Map<number, Series>;
}

const emptySeries = (): Series => ({
  direct: { p99: [], p50: [] },
  "pass-through": { p99: [], p50: [] },
  relay: { p99: [], p50: [] },
  v1: { p99: [], p50: [] },
  chat: { p99: [], p50: [] },
});

async function setUp(name: string, spec: string): Promise<Setup> {
  return { name, spec, rig: await startRigFromSpec(spec), rounds: new Map() };
}

/** A 95 % interval of the median by resampling the rounds (2,000 resamples). */
function medianInterval(values: number[]): [number, number] {
  const medians: number[] = [];
  for (let b = 0; b < 2000; b++)
    medians.push(median(values.map(() => values[Math.floor(Math.random() * values.length)])));
  medians.sort((x, y) => x - y);
  return [medians[49], medians[1949]];
}

async function main() {
  const args = process.argv.slice(2);
  const chat = args.includes("--chat");
  const [a, b, levelList = "32,256", roundsArg = "24"] = args.filter((x) => x !== "--chat");
  if (!a || !b)
    throw new Error(
      "usage: npm run bench:tail -- <dist A>[,NAME=value|--flag…] (<dist B>[,…] | --floor) [levels] [rounds] [--chat]",
    );
  const floor = b === "--floor";
  const paths: Measured[] = chat
    ? ["direct", "pass-through", "chat"]
    : floor
      ? ["direct", "pass-through", "relay", "v1"]
      : ["direct", "v1"];
  const levels = levelList.split(",").map(Number);
  const rounds = Number(roundsArg);
  const setups = floor ? [await setUp("A", a)] : [await setUp("A", a), await setUp("B", b)];
  try {
    // Past V8's compiling of the app's code, as bench:doors warms (LatencyPlan.warmStreams).
    for (const s of setups) {
      if (chat) {
        await runRound(s.rig, "chat", 16, 1500);
        await runRound(s.rig, "pass-through", 16, 1000);
        continue;
      }
      await runRound(s.rig, "v1", 16, 4000);
      if (floor) {
        await runRound(s.rig, "pass-through", 16, 1000);
        await runRound(s.rig, "relay", 16, 1000);
      }
    }
    for (const c of levels) {
      const count = COUNT[c] ?? 1000;
      for (let i = 0; i < rounds; i++) {
        for (const s of i % 2 ? [...setups].reverse() : setups) {
          const r = s.rounds.get(c) ?? emptySeries();
          s.rounds.set(c, r);
          for (const p of paths) {
            const stat = await runRound(s.rig, p as PathName, c, count);
            if (stat.errors) console.log(`${s.name} ${p} at ${c}: ${stat.errors} failed (${stat.firstError})`);
            r[p].p99.push(stat.ttftP99);
            r[p].p50.push(stat.ttftP50);
          }
        }
        process.stdout.write(".");
      }
      console.log();
      for (const s of setups) {
        const r = s.rounds.get(c)!;
        if (chat) {
          console.log(chatLine(s, c, r));
          continue;
        }
        for (const p of paths.filter((x) => x !== "direct")) {
          const ratios = r[p].p99.map((v, k) => v / r.direct.p99[k]);
          const [lo, hi] = medianInterval(ratios);
          console.log(
            `${s.name} (${s.spec}) at ${c} streams, ${ratios.length} rounds: ${p} p99 ÷ direct ${f2(median(ratios))} ` +
              `[95 % ${f2(lo)}…${f2(hi)}], within 2× in ${pct(ratios.filter((x) => x <= 2).length / ratios.length)}; ` +
              `p99 ${f1(median(r[p].p99))} vs ${f1(median(r.direct.p99))} ms, ` +
              `p50 ${f1(median(r[p].p50))} vs ${f1(median(r.direct.p50))} ms`,
          );
        }
      }
    }
  } finally {
    for (const s of setups) await s.rig.close();
  }
}

/** The chat target's figures for one set-up at one level: added p50 TTFT of the door and of the pass-through. */
function chatLine(s: Setup, c: number, r: Series): string {
  const added = (p: Measured) => r[p].p50.map((v, k) => v - r.direct.p50[k]);
  const door = added("chat");
  const floor = added("pass-through");
  const perRound = door.map((v, k) => v / Math.max(floor[k], MIN_ADDED_MS));
  const [lo, hi] = medianInterval(door);
  const [flo, fhi] = medianInterval(floor);
  return (
    `${s.name} (${s.spec}) at ${c} streams, ${door.length} rounds: chat added p50 +${f1(median(door))} ms ` +
    `[95 % ${f1(lo)}…${f1(hi)}], pass-through +${f1(median(floor))} ms [${f1(flo)}…${f1(fhi)}]; ` +
    `÷ pass-through's ${f1(median(door) / Math.max(median(floor), MIN_ADDED_MS))}×, ` +
    `within 12× in ${pct(perRound.filter((x) => x <= 12).length / perRound.length)} of rounds; ` +
    `chat p50 ${f1(median(r.chat.p50))} vs direct ${f1(median(r.direct.p50))} ms`
  );
}

process.on("exit", killChildrenNow);
runBench(main);
