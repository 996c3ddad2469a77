/** Machine load and CPU accounting from /proc, and a one-line description of the machine. */
import { execFileSync } from "node:child_process";
import os from "node:os";
import { cpuTicksOf, machineTicks, processTree } from "../support";

/** utime + stime of this process and its descendants, in clock ticks. */
export const ownTicks = () => processTree(process.pid).reduce((sum, pid) => sum + cpuTicksOf(pid), 0);

/** Share of the whole machine's CPU (all cores) used by other processes since the meter (re)started. */
export function loadMeter() {
  let m0 = machineTicks();
  let o0 = ownTicks();
  return {
    restart() {
      m0 = machineTicks();
      o0 = ownTicks();
    },
    /**
     * Other processes' share. `alsoOurs`: ticks spent meanwhile for this bench by processes that are not its
     * children (a database server's backends), not counted as other load.
     */
    read(alsoOurs = 0): number {
      const m = machineTicks();
      const own = ownTicks() - o0 + alsoOurs;
      const total = m.total - m0.total;
      return total > 0 ? Math.max(0, (m.busy - m0.busy - own) / total) : 0;
    },
    /** The share of the machine busy with anything, this bench included. */
    busy(): number {
      const m = machineTicks();
      return (m.busy - m0.busy) / Math.max(1, m.total - m0.total);
    },
  };
}

/** utime + stime of one process in milliseconds (10 ms resolution). */
export const processCpuMs = (pid: number) => cpuTicksOf(pid) * 10;

/** "2 cores (`nproc`), <model>, N GiB RAM, Node vX, Linux …". */
export function machine(): string {
  const cpu = os.cpus()[0]?.model.replace(/\s+/g, " ").trim() ?? "unknown CPU";
  let nproc = String(os.cpus().length);
  try {
    nproc = execFileSync("nproc", { encoding: "utf8" }).trim();
  } catch {
    /* keep os.cpus() */
  }
  return (
    `${nproc} cores (\`nproc\`), ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, ` +
    `${os.type()} ${os.release()}`
  );
}

/** Milliseconds with 2 / 1 / 0 decimals by size. */
export const ms = (v: number) =>
  !Number.isFinite(v) ? "–" : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);

/** A count with thousands separators: 1,000,000. */
export const count = (v: number) => v.toLocaleString("en");

export const clock = () => new Date().toISOString().slice(11, 19);

/** Waits (up to `maxMs`) until other processes use less than `below` of the machine's CPU; returns their last share. */
export async function waitForQuiet(log: (m: string) => void, maxMs = 60_000, below = 0.25): Promise<number> {
  const deadline = Date.now() + maxMs;
  for (;;) {
    const meter = loadMeter();
    await new Promise((r) => setTimeout(r, 3000));
    const share = meter.read();
    if (share < below) return share;
    if (Date.now() > deadline) {
      log(
        `other processes still use ${(100 * share).toFixed(0)}% of the CPU; measuring anyway (figures will be noisy)`,
      );
      return share;
    }
    log(`other processes use ${(100 * share).toFixed(0)}% of the CPU; waiting for a quieter moment …`);
  }
}
