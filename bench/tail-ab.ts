/**
 * One server set-up against another for the tail: `npm run bench:tail -- A B [levels] [rounds]`.
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
 */
import { runRound } from "./doors/latency";
import { type PathName, type Rig, startRigFromSpec } from "./doors/setup";
import { f1, f2, pct } from "./lib/stats";
import { killChildrenNow, median, runBench } from "./support";

const COUNT: Record<number, number> = { 1: 60, 32: 1000, 256: 1536 };

interface Setup {
  name: string;
  spec: string;
  rig: Rig;
  rounds: Map<number, { direct: number[]; v1: number[]; directP50: number[]; v1P50: number[] }>;
}

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
  const [a, b, levelList = "32,256", roundsArg = "24"] = process.argv.slice(2);
  if (!a || !b)
    throw new Error("usage: npm run bench:tail -- <dist A>[,NAME=value|--flag…] <dist B>[,…] [levels] [rounds]");
  const levels = levelList.split(",").map(Number);
  const rounds = Number(roundsArg);
  const setups = [await setUp("A", a), await setUp("B", b)];
  try {
    // Past V8's compiling of the app's code, as bench:doors warms (LatencyPlan.warmStreams).
    for (const s of setups) await runRound(s.rig, "v1", 16, 4000);
    for (const c of levels) {
      const count = COUNT[c] ?? 1000;
      for (let i = 0; i < rounds; i++) {
        for (const s of i % 2 ? [...setups].reverse() : setups) {
          const r = s.rounds.get(c) ?? { direct: [], v1: [], directP50: [], v1P50: [] };
          s.rounds.set(c, r);
          for (const p of ["direct", "v1"] as PathName[]) {
            const stat = await runRound(s.rig, p, c, count);
            if (stat.errors) console.log(`${s.name} ${p} at ${c}: ${stat.errors} failed (${stat.firstError})`);
            r[p === "v1" ? "v1" : "direct"].push(stat.ttftP99);
            r[p === "v1" ? "v1P50" : "directP50"].push(stat.ttftP50);
          }
        }
        process.stdout.write(".");
      }
      console.log();
      for (const s of setups) {
        const r = s.rounds.get(c)!;
        const ratios = r.v1.map((v, k) => v / r.direct[k]);
        const [lo, hi] = medianInterval(ratios);
        console.log(
          `${s.name} (${s.spec}) at ${c} streams, ${ratios.length} rounds: v1 p99 ÷ direct ${f2(median(ratios))} ` +
            `[95 % ${f2(lo)}…${f2(hi)}], within 2× in ${pct(ratios.filter((x) => x <= 2).length / ratios.length)}; ` +
            `p99 ${f1(median(r.v1))} vs ${f1(median(r.direct))} ms, p50 ${f1(median(r.v1P50))} vs ${f1(median(r.directP50))} ms`,
        );
      }
    }
  } finally {
    for (const s of setups) await s.rig.close();
  }
}

process.on("exit", killChildrenNow);
runBench(main);
