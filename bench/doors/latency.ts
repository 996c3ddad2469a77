/**
 * Latency and CPU: every path warmed, then at each concurrency a discarded warm-up round per path and
 * `rounds` measured rounds, the paths interleaved with the order rotated each round. A round is a closed
 * loop (N workers; each starts its next stream when its last one ends) on a fresh keep-alive agent.
 */
import type http from "node:http";
import { loadMeter } from "../lib/load";
import { closedLoop } from "../lib/streams";
import { median, percentile, sleep, TICKS_PER_SECOND, treeCpuTicks } from "../support";
import { keepAliveAgent, PATHS, type PathName, type Rig } from "./setup";
import type { Level, RoundStat } from "./types";

export interface LatencyPlan {
  levels: { concurrency: number; perRound: number }[];
  rounds: number;
  /** No round r + 1 (r ≥ 2) starts once this much of the latency phase has passed. */
  budgetMs: number;
  paths?: readonly PathName[];
  /**
   * Streams per path at 16 before the first level. The app's code takes a few thousand streams to be optimised:
   * with 200, /v1's first rounds at 32 still paid V8's compiler (16 % of its CPU samples under `perf`, against
   * under 1 % after 6,000 streams) and ran 15–30 % above its later rounds; a server in use is warm.
   */
  warmStreams: Partial<Record<PathName, number>>;
}

/** One closed-loop round of one path, with the CPU its middle process tree and the stand-in spent. */
export async function runRound(rig: Rig, p: PathName, concurrency: number, count: number): Promise<RoundStat> {
  const agent: http.Agent = keepAliveAgent();
  const mid = rig.middlePid(p);
  const standinPid = rig.standin.proc.pid!;
  const meter = loadMeter();
  const mid0 = mid ? treeCpuTicks(mid) : 0;
  const st0 = treeCpuTicks(standinPid);
  const res = await closedLoop(concurrency, count, () => rig.one(p, agent));
  const midTicks = mid ? treeCpuTicks(mid) - mid0 : NaN;
  const stTicks = treeCpuTicks(standinPid) - st0;
  const others = meter.read();
  agent.destroy();
  const ok = res.samples.filter((s) => s.ok);
  const spreads = ok.map((s) => s.lastContent - s.ttft);
  const perStreamMs = (ticks: number) => (ticks * 1000) / TICKS_PER_SECOND / res.samples.length;
  return {
    n: res.n,
    errors: res.errors,
    firstError: res.firstError,
    wallMs: res.wallMs,
    ttftP50: res.ttftP50,
    ttftP99: res.ttftP99,
    totalP50: res.totalP50,
    totalP99: res.totalP99,
    spreadP50: percentile(spreads, 0.5),
    spreadP90: percentile(spreads, 0.9),
    bunched: ok.length ? spreads.filter((s) => s < 2).length / ok.length : NaN,
    cpuMsPerStream: perStreamMs(midTicks),
    standinCpuMsPerStream: perStreamMs(stTicks),
    others,
  };
}

const f1 = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : "–");

export async function measureLatency(rig: Rig, plan: LatencyPlan, log: (m: string) => void): Promise<Level[]> {
  const paths = plan.paths ?? PATHS;
  log(`warming every path (${paths.map((p) => plan.warmStreams[p]).join("/")} streams at 16) …`);
  for (const p of paths) await runRound(rig, p, 16, plan.warmStreams[p] ?? 500);
  const started = Date.now();
  const levels: Level[] = [];
  for (const { concurrency, perRound } of plan.levels) {
    log(`${concurrency} streams: a warm-up round, then up to ${plan.rounds} rounds of ${perRound} per path`);
    for (const p of paths) await runRound(rig, p, concurrency, Math.max(concurrency, perRound / 2));
    const rounds = Object.fromEntries(PATHS.map((p) => [p, [] as RoundStat[]])) as Level["rounds"];
    // Each level gets its share of what is left of the budget.
    const levelBudget = (plan.budgetMs - (Date.now() - started)) / (plan.levels.length - levels.length);
    const levelStart = Date.now();
    for (let r = 0; r < plan.rounds; r++) {
      const roundStart = Date.now();
      for (const p of paths.map((_, i) => paths[(i + r) % paths.length])) {
        await sleep(200);
        const st = await runRound(rig, p, concurrency, perRound);
        rounds[p].push(st);
        if (st.errors) log(`  ${p}: ${st.errors} failed streams (first: ${st.firstError})`);
      }
      log(
        `  round ${r + 1}: ` +
          paths
            .map((p) => {
              const s = rounds[p].at(-1)!;
              const cpu = Number.isFinite(s.cpuMsPerStream) ? ` cpu ${s.cpuMsPerStream.toFixed(2)}` : "";
              return `${p} ttft ${f1(s.ttftP50)}/${f1(s.ttftP99)}${cpu}`;
            })
            .join(" | ") +
          ` | others ${(100 * median(paths.map((p) => rounds[p].at(-1)!.others))).toFixed(0)}%`,
      );
      const took = Date.now() - roundStart;
      if (r >= 1 && r + 1 < plan.rounds && Date.now() - levelStart + took > levelBudget) {
        log(`  stopping after ${r + 1} rounds: another would pass this level's share of the time budget`);
        break;
      }
    }
    levels.push({ concurrency, perRound, rounds });
  }
  return levels;
}
