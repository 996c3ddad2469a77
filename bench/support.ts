/** Small helpers for the benchmarks: child processes, ports, /proc RSS and CPU ticks, percentiles. */
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import http from "node:http";
import net from "node:net";

// ---------------------------------------------------------------- child processes

const children = new Set<ChildProcess>();

export interface Child {
  proc: ChildProcess;
  name: string;
  /** Everything written to stdout and stderr so far (for error reports). */
  output: () => string;
  /** Resolves with the first match of `re` on stdout (rejects on exit or timeout). */
  waitFor: (re: RegExp, timeoutMs: number) => Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
}

export function startChild(
  name: string,
  cmd: string,
  args: string[],
  opts: SpawnOptions & { echo?: boolean } = {},
): Child {
  const proc = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], ...opts });
  children.add(proc);
  let out = "";
  const append = (b: Buffer) => {
    out += b.toString();
    if (out.length > 200_000) out = out.slice(-100_000);
    if (opts.echo) process.stderr.write(`[${name}] ${b}`);
  };
  proc.stdout!.on("data", append);
  proc.stderr!.on("data", append);
  const exited = new Promise<number | null>((resolve) =>
    proc.on("exit", (code, sig) => {
      children.delete(proc);
      resolve(code ?? (sig ? -1 : null));
    }),
  );
  const waitFor = (re: RegExp, timeoutMs: number) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const m = re.exec(out);
        if (m) {
          done();
          resolve(m);
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${name}: no ${re} within ${timeoutMs} ms; output:\n${out.slice(-4000)}`));
      }, timeoutMs);
      const onExit = (code: number | null) => {
        done();
        reject(new Error(`${name} exited (${code}) before ${re}; output:\n${out.slice(-4000)}`));
      };
      const done = () => {
        clearTimeout(timer);
        proc.stdout!.off("data", check);
        proc.off("exit", onExit);
      };
      proc.stdout!.on("data", check);
      proc.on("exit", onExit);
      check();
    });
  return { proc, name, output: () => out, waitFor, exited };
}

/** SIGTERM every child still running, wait up to `graceMs`, then SIGKILL what is left. */
export async function stopChildren(graceMs = 3000): Promise<void> {
  const alive = [...children];
  if (!alive.length) return;
  const gone = alive.map(
    (p) => new Promise<void>((r) => (p.exitCode !== null || p.signalCode !== null ? r() : p.once("exit", () => r()))),
  );
  for (const p of alive) p.kill("SIGTERM");
  await Promise.race([Promise.all(gone), new Promise((r) => setTimeout(r, graceMs))]);
  for (const p of children) p.kill("SIGKILL");
}

/** Last resort, synchronous (for process 'exit'). */
export function killChildrenNow(): void {
  for (const p of children) {
    try {
      p.kill("SIGKILL");
    } catch {
      /* already gone */
    }
  }
}

/** Runs a command to completion; resolves with stdout, rejects with the output on a non-zero exit. */
export async function runToEnd(
  name: string,
  cmd: string,
  args: string[],
  opts: SpawnOptions & { echo?: boolean } = {},
  timeoutMs = 300_000,
): Promise<string> {
  const child = startChild(name, cmd, args, opts);
  let stdout = "";
  child.proc.stdout!.on("data", (b: Buffer) => (stdout += b.toString()));
  const timer = setTimeout(() => child.proc.kill("SIGKILL"), timeoutMs);
  const code = await child.exited;
  clearTimeout(timer);
  if (code !== 0) throw new Error(`${name} failed (exit ${code}):\n${child.output().slice(-6000)}`);
  return stdout;
}

// ---------------------------------------------------------------- network

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export function httpGet(port: number, path: string, timeoutMs = 2000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port, path, agent: false, timeout: timeoutMs }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
  });
}

export async function waitForHealth(port: number, path: string, timeoutMs: number, child?: Child): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    if (child && child.proc.exitCode !== null) {
      throw new Error(
        `${child.name} exited (${child.proc.exitCode}) before ${path} answered:\n${child.output().slice(-4000)}`,
      );
    }
    try {
      const r = await httpGet(port, path);
      if (r.status === 200) return;
      last = `HTTP ${r.status} ${r.body.slice(0, 200)}`;
    } catch (e) {
      last = (e as Error).message;
    }
    await sleep(150);
  }
  throw new Error(
    `GET ${path} on port ${port} not healthy within ${timeoutMs} ms (last: ${last})` +
      (child ? `\n${child.output().slice(-4000)}` : ""),
  );
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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

/**
 * Replaces one `## heading` section of docs/benchmarks.md (or appends it), leaving the other benchmarks'
 * sections alone. Re-reads the file right before writing, since the benchmarks may run side by side.
 */
export function replaceDocSection(root: string, heading: string, section: string): string {
  const file = path.join(root, "docs", "benchmarks.md");
  mkdirSync(path.dirname(file), { recursive: true });
  let text = existsSync(file) ? readFileSync(file, "utf8") : "";
  if (!text.trim()) {
    text = `# Benchmarks\n\n${section}`;
  } else {
    const start = text.search(new RegExp(`^## ${heading}\\s*$`, "m"));
    if (start < 0) {
      text = `${text.trimEnd()}\n\n${section}`;
    } else {
      const rest = text.slice(start + 1);
      const next = rest.search(/^## (?!#)/m);
      const end = next < 0 ? text.length : start + 1 + next;
      text = text.slice(0, start) + section.trimEnd() + "\n" + (end < text.length ? `\n${text.slice(end)}` : "");
    }
  }
  writeFileSync(file, text.trimEnd() + "\n");
  return file;
}
