/**
 * The gateway and the chat at the floor: `npm run bench:doors` (and the first part of `npm run bench`).
 * About 8–9 minutes on a quiet 2-core machine, plus a `next build` (~1.5 min) when .next-bench-doors is
 * missing or older than the sources.
 *
 *   npm run bench:doors                  measure, write bench/results/doors.json and docs/benchmarks.md
 *                                        (## Gateway and chat doors)
 *   npm run bench:doors -- --quick       fewer rounds, smaller counts (300-stream holds): for development;
 *                                        writes bench/results/doors-quick.json and prints the section
 *   npm run bench:doors -- --render      re-render the docs section from bench/results/doors.json (no run);
 *                                        with --quick, from doors-quick.json (the section says it was quick)
 *   npm run bench:doors -- --profile     CPU profile of the server per door (32 streams) into
 *                                        bench/results/doors-profile.json, then re-render the docs
 *   npm run bench:doors -- --build       rebuild .next-bench-doors first; --build-only: rebuild and stop
 *   npm run bench:doors -- --verbose     echo the children's output
 *   BENCH_SERVER_NODE_FLAGS="--trace-gc" npm run bench:doors -- --quick   extra node flags for the app server
 *                                        (after npm start's own; the docs show the command used)
 *
 * Four paths get the same upstream work from the stand-in: direct, a bare pass-through, the app's /v1 door
 * and the app's chat door (bench/doors/setup.ts). The app runs as `npm start` runs it (scripts/server.mjs).
 * Latency and CPU at 1, 32 and 256 concurrent streams (bench/doors/latency.ts), then 1,000 streams of each
 * door held open at once on a fresh server (bench/doors/hold.ts). CPU per stream is also taken with each door
 * and the pass-through loaded at the same moment (bench/doors/paired.ts). Black-box HTTP only.
 */
import os from "node:os";
import { describeBuild, ensureBuild } from "./lib/build";
import { readResults, resultsFile, writeDocSection, writeResults } from "./lib/docs";
import { clock, machine, waitForQuiet } from "./lib/load";
import { NPM_START_NODE_FLAGS, relative } from "./lib/next-server";
import { killChildrenNow, mb, runBench, sleep, treeRss } from "./support";
import { holdOpen } from "./doors/hold";
import { measureLatency, runRound } from "./doors/latency";
import { measurePaired } from "./doors/paired";
import { profileDoors } from "./doors/profile";
import { HEADING, renderDoors } from "./doors/report";
import { keepAliveAgent, MODEL, PATHS, PROMPT, startRig, WORD_DELAY_MS, WORDS } from "./doors/setup";
import type { DoorsResults, HoldResult, ProfileResult } from "./doors/types";

const argv = new Set(process.argv.slice(2));
const QUICK = argv.has("--quick");
const PROFILE = argv.has("--profile");
const RENDER = argv.has("--render");
const VERBOSE = argv.has("--verbose");
const BUILD_ONLY = argv.has("--build-only");
const DIST = ".next-bench-doors";
const RESULTS = QUICK ? "doors-quick.json" : "doors.json";
const PROFILE_RESULTS = "doors-profile.json";

const PLAN = QUICK
  ? {
      rounds: 2,
      budgetMs: 90_000,
      warmStreams: { direct: 100, "pass-through": 100, v1: 300, chat: 100 },
      levels: [
        { concurrency: 1, perRound: 12 },
        { concurrency: 32, perRound: 96 },
        { concurrency: 256, perRound: 256 },
      ],
    }
  : {
      // Rounds of a second or more per path: the CPU per stream of shorter ones (0.3 s at 32 streams) moved by
      // ±15 % between identical rounds on this machine, more than the differences being measured.
      rounds: 5,
      // The 1-stream level takes ~30 s a round (800 streams of ~37 ms one after another), the others ~5 s: a
      // budget shared evenly between levels must leave the first its five rounds on a middling machine.
      budgetMs: 9 * 60_000,
      warmStreams: { direct: 500, "pass-through": 1000, v1: 4000, chat: 1500 },
      levels: [
        // A round's p99 (nearest rank) of 60 streams was its slowest stream, the 60th of 60: one scheduling
        // hiccup of the three processes on two cores set it, the bare pass-through's included (2.88× direct in
        // one run, 1.04× in another). Of 200 it is the third slowest, a percentile and not a maximum.
        { concurrency: 1, perRound: 200 },
        { concurrency: 32, perRound: 1000 },
        { concurrency: 256, perRound: 1536 },
      ],
    };
/**
 * Held streams: a word every 5 s, so that a stream stays open (~85 s) long enough for all of them to be open
 * at once even when the chat door takes a minute to start 1,000 turns, at a rate (200 chunks/s in all) one
 * core can follow on both doors: a lone chat chunk costs the server several ms, several times a /v1 chunk,
 * and at a word every 3 s the chat door fell behind here (half of 1,000 streams timed out on a busy machine).
 */
const HOLD = QUICK ? { streams: 300, words: 9, delayMs: 5000 } : { streams: 1000, words: 18, delayMs: 5000 };
const RUN_LIMIT_MS = 15 * 60_000;
const NODE_FLAGS = [...NPM_START_NODE_FLAGS, ...(process.env.BENCH_SERVER_NODE_FLAGS?.trim().split(/\s+/) ?? [])];

const log = (m: string) => process.stderr.write(`[bench:doors ${clock()}] ${m}\n`);
process.on("exit", killChildrenNow);
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(sig, () => process.exit(130));

/** The run's results with the latest profile (kept apart, so a run does not drop it), rendered. */
function render(r: DoorsResults): string {
  const profile = readResults<ProfileResult>(PROFILE_RESULTS);
  return renderDoors({ ...r, profile: r.profile ?? profile });
}

/** Writes the docs section (a quick run's only when asked with --render). */
function publish(r: DoorsResults, write = !r.meta.quick) {
  const section = render(r);
  if (!write) {
    console.log(`\n${section}`);
    log("--quick: docs/benchmarks.md left alone");
  } else {
    log(`wrote ${relative(writeDocSection(HEADING, section, ["Gateway"]))}`);
  }
}

async function main() {
  if (RENDER) {
    const r = readResults<DoorsResults>(RESULTS);
    if (!r) throw new Error(`no ${relative(resultsFile(RESULTS))} to render: run the bench first`);
    return publish(r, true);
  }
  const started = Date.now();
  setTimeout(() => {
    log(`still running after ${RUN_LIMIT_MS / 60_000} min; giving up`);
    process.exit(2);
  }, RUN_LIMIT_MS).unref();
  const loadAverage = os.loadavg();
  await ensureBuild(DIST, argv.has("--build") || BUILD_ONLY, log);
  if (BUILD_ONLY) return;
  const measureStart = Date.now();
  log(`load average ${loadAverage.map((v) => v.toFixed(2)).join(", ")}`);
  await waitForQuiet(log, QUICK ? 0 : 60_000);
  const rig = await startRig({ dist: DIST, log, echo: VERBOSE, nodeFlags: NODE_FLAGS });
  for (const p of PATHS) {
    const agent = keepAliveAgent();
    const s = await rig.one(p, agent);
    agent.destroy();
    if (!s.ok) throw new Error(`${p}: the first stream failed: ${s.error}`);
  }

  if (PROFILE) {
    const { doors, dir } = await profileDoors(rig, { quick: QUICK, log });
    const profile: ProfileResult = { date: isoMinute(), build: describeBuild(DIST), doors };
    for (const d of doors) console.log(`\n${d.summary}`);
    await rig.close();
    log(`profiles in ${relative(dir)}; summaries in ${relative(writeResults(PROFILE_RESULTS, profile))}`);
    const r = readResults<DoorsResults>(RESULTS);
    if (r) publish(r);
    return;
  }

  await sleep(500);
  const serverRssStartMb = mb(treeRss(rig.server.proc.pid!).bytes);
  const levels = await measureLatency(rig, PLAN, log);
  const serverRssAfterLatencyMb = mb(treeRss(rig.server.proc.pid!).bytes);
  const paired = await measurePaired(rig, { rounds: QUICK ? 2 : 5, countScale: QUICK ? 0.2 : 1, log });

  const holds: HoldResult[] = [];
  for (const door of ["v1", "chat"] as const) {
    await rig.restartServer();
    await runRound(rig, door, 16, door === "v1" ? 200 : 64);
    await sleep(1000);
    log(`holding ${HOLD.streams} ${door} streams open at once (fresh server) …`);
    holds.push(await holdOpen(rig, door, HOLD.streams, HOLD.words, HOLD.delayMs, log));
  }
  const serverStartupMs = rig.serverStartupMs;
  await rig.close();

  const results: DoorsResults = {
    version: 1,
    meta: {
      date: isoMinute(),
      quick: QUICK,
      runSeconds: (Date.now() - measureStart) / 1000,
      machine: machine(),
      loadAverage,
      build: describeBuild(DIST),
      dist: DIST,
      serverCommand: `node ${NODE_FLAGS.join(" ")} scripts/server.mjs`,
      words: WORDS,
      wordDelayMs: WORD_DELAY_MS,
      model: MODEL,
      prompt: PROMPT,
      serverStartupMs,
      serverRssStartMb,
      serverRssAfterLatencyMb,
      roundsPlanned: PLAN.rounds,
      warmStreams: PLAN.warmStreams,
    },
    levels,
    paired,
    holds,
  };
  log(
    `results in ${relative(writeResults(RESULTS, results))} (run took ${((Date.now() - started) / 1000).toFixed(0)} s)`,
  );
  publish(results);
}

const isoMinute = () => `${new Date().toISOString().replace("T", " ").slice(0, 16)} UTC`;

runBench(main);
