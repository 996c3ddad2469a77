/**
 * Small helpers for the benchmarks: /proc RSS and CPU ticks, percentiles and timing, and (re-exported from
 * bench/lib) child processes, ports and the docs writer.
 */
import { readdirSync, readFileSync } from "node:fs";
import { writeDocSection } from "./lib/docs";

export * from "./lib/processes";

// ---------------------------------------------------------------- memory

/** The pid and all its descendants, from /proc/<pid>/stat parent links. */
export function processTree(root: number): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      // pid (comm) state ppid …; comm may contain spaces and parentheses, so split after the last ')'.
      const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      parent.set(Number(name), Number(rest[1]));
    } catch {
      /* exited meanwhile */
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) {
    for (const [pid, ppid] of parent) if (ppid === tree[i]) tree.push(pid);
  }
  return tree;
}

/** VmRSS of one process in bytes (0 if gone). */
export function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Summed VmRSS of a process and its descendants, in bytes, and how many processes that was. */
export function treeRss(root: number): { bytes: number; processes: number } {
  const pids = processTree(root);
  return { bytes: pids.reduce((s, p) => s + rssOf(p), 0), processes: pids.length };
}

export const mb = (bytes: number) => bytes / (1024 * 1024);

// ---------------------------------------------------------------- statistics

/** Nearest-rank percentile of an unsorted list (NaN when empty). */
export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length)));
  return sorted[rank - 1];
}

export const median = (values: number[]) => {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

export interface Stats {
  n: number;
  p50: number;
  p95: number;
  max: number;
  mean: number;
}

export const stats = (values: number[]): Stats => ({
  n: values.length,
  p50: percentile(values, 0.5),
  p95: percentile(values, 0.95),
  max: Math.max(...values),
  mean: values.reduce((s, v) => s + v, 0) / values.length,
});

/** Per-call wall and CPU samples, with the stopping rule both timers share. */
function samples({ reps, minReps, budgetMs }: { reps: number; minReps: number; budgetMs: number }) {
  const wall: number[] = [];
  const cpu: number[] = [];
  let spent = 0;
  let c0 = process.cpuUsage();
  let t0 = 0;
  return {
    more: (i: number) => i < reps && (i < minReps || spent < budgetMs),
    start() {
      c0 = process.cpuUsage();
      t0 = performance.now();
    },
    stop() {
      const dt = performance.now() - t0;
      const c = process.cpuUsage(c0);
      wall.push(dt);
      cpu.push((c.user + c.system) / 1000);
      spent += dt;
    },
    result: () => ({ wall: stats(wall), cpu: stats(cpu) }),
  };
}

/**
 * Calls `fn` `warm` times, then up to `reps` times (at least `minReps`, stopping early once `budgetMs` of
 * measured time is spent), timing each call on its own: wall time, and this process's CPU time (user +
 * system), which other processes on a busy machine do not inflate. Milliseconds.
 */
export function timeCalls<T>(fn: () => T, { warm = 20, reps = 300, minReps = 40, budgetMs = 4_000 } = {}) {
  let last!: T;
  for (let i = 0; i < warm; i++) last = fn();
  const s = samples({ reps, minReps, budgetMs });
  for (let i = 0; s.more(i); i++) {
    s.start();
    last = fn();
    s.stop();
  }
  return { ...s.result(), result: last };
}

/** timeCalls for an async `fn` (the query layer is async): each call awaited on its own. */
export async function timeCallsAsync<T>(
  fn: () => Promise<T>,
  { warm = 20, reps = 300, minReps = 40, budgetMs = 4_000 } = {},
) {
  let last!: T;
  for (let i = 0; i < warm; i++) last = await fn();
  const s = samples({ reps, minReps, budgetMs });
  for (let i = 0; s.more(i); i++) {
    s.start();
    last = await fn();
    s.stop();
  }
  return { ...s.result(), result: last };
}

// ---------------------------------------------------------------- CPU accounting (/proc, clock ticks)

export const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** utime + stime of one process, in clock ticks (0 if gone). */
export function cpuTicksOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(rest[11]) + Number(rest[12]);
  } catch {
    return 0;
  }
}

export const treeCpuTicks = (root: number) => processTree(root).reduce((s, p) => s + cpuTicksOf(p), 0);

/** The machine's busy and total ticks over all CPUs, from the first line of /proc/stat. */
export function machineTicks(): { busy: number; total: number } {
  const f = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1, 9).map(Number);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = f;
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}

// ---------------------------------------------------------------- docs/benchmarks.md

/** Replaces one `## heading` section of docs/benchmarks.md (bench/lib/docs.ts; `root` is the repository). */
export const replaceDocSection = (_root: string, heading: string, section: string): string =>
  writeDocSection(heading, section);
