/**
 * One build against another, for a change worth a few per cent: `npm run bench:ab -- A B [door] [streams] [rounds]`.
 * A and B are build folders (`NEXT_DIST_DIR=.next-a npx next build`, then the change, then `.next-b`; restore
 * tsconfig.json and next-env.d.ts after, which next build rewrites), each optionally followed by environment
 * for its server and node flags: `.next-b,ASYNC_CONTEXT=node` or `.next-b,--max-semi-space-size=32` (one build against itself with a setting changed). door: v1 (default) or chat; streams: per
 * build (default 16, so 32 in all as in the doors bench's middle level); rounds of 1,000 streams (default 10).
 *
 * Both builds run at the same time, each with its own stand-in (bench/doors/setup.ts), and every round loads
 * them together: this machine's speed drifts by tens of per cent within minutes (other tenants), and rounds
 * taken one after the other compare the moments more than the builds; loaded together, both see the same
 * moment. Each round's B ÷ A is printed, then the median and range. Run it twice with A and B swapped: with
 * the same build in both, B once came out 2.5 % cheaper and 7 % faster, and a result that does not hold in
 * both orders is noise (eleventh session: rounds of one build after the other could not tell ±10 %). With a
 * third load on the first rig (the thirteenth session ran its pass-through there too), the slots differed by
 * ~30 % at 128 streams each, whichever build they ran: keep the rigs' loads equal, and read both orders.
 */
import { runRound } from "./doors/latency";
import { type Door, startRigFromSpec } from "./doors/setup";
import { spread } from "./lib/stats";
import { killChildrenNow, runBench } from "./support";

async function main() {
  const [a, b, door = "v1", perBuild = "16", rounds = "10"] = process.argv.slice(2);
  if (!a || !b || (door !== "v1" && door !== "chat")) {
    throw new Error(
      "usage: npm run bench:ab -- <dist A>[,NAME=value|--flag…] <dist B>[,…] [v1|chat] [streams per build] [rounds]",
    );
  }
  const streams = Number(perBuild);
  const count = streams >= 64 ? 1536 : 1000;
  const rigs = [await startRigFromSpec(a), await startRigFromSpec(b)];
  try {
    // Past V8's compiling of the app's code (a few thousand streams), as bench:doors warms (LatencyPlan.warmStreams).
    for (let i = 0; i < (door === "v1" ? 4 : 2); i++) {
      await Promise.all(rigs.map((r) => runRound(r, door as Door, 16, door === "v1" ? 1000 : 750)));
    }
    const cpu: number[] = [];
    const ttft: number[] = [];
    for (let i = 0; i < Number(rounds); i++) {
      const [ra, rb] = await Promise.all(rigs.map((r) => runRound(r, door as Door, streams, count)));
      cpu.push(rb.cpuMsPerStream / ra.cpuMsPerStream);
      ttft.push(rb.ttftP50 / ra.ttftP50);
      console.log(
        `round ${i + 1}: CPU ms per stream A ${ra.cpuMsPerStream.toFixed(3)} B ${rb.cpuMsPerStream.toFixed(3)}, ` +
          `TTFT p50 A ${ra.ttftP50.toFixed(1)} B ${rb.ttftP50.toFixed(1)} ms` +
          (ra.errors || rb.errors ? `, failed A ${ra.errors} B ${rb.errors}` : ""),
      );
    }
    const show = (v: number[]) => {
      const s = spread(v);
      return `${s.med.toFixed(3)} [${s.min.toFixed(3)}…${s.max.toFixed(3)}]`;
    };
    console.log(`B ÷ A, ${door}, ${streams} streams each: CPU per stream ${show(cpu)}`);
    console.log(`B ÷ A, ${door}, ${streams} streams each: TTFT p50 ${show(ttft)}`);
  } finally {
    for (const r of rigs) await r.close();
  }
}

process.on("exit", killChildrenNow);
runBench(main);
