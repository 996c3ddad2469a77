/** CPU time per process group over a round (/proc ticks), per stream, and the machine's load meanwhile. */
import { machineTicks, TICKS_PER_SECOND, treeCpuTicks } from "../support";

export interface Cpu {
  A: number;
  B: number;
  proxy: number;
  postgres: number;
  standin: number;
  client: number;
}
export const CPU_PARTS: (keyof Cpu)[] = ["A", "B", "proxy", "postgres", "standin", "client"];
export const CPU_LABEL: Record<keyof Cpu, string> = {
  A: "A",
  B: "B",
  proxy: "proxy",
  postgres: "PostgreSQL",
  standin: "stand-in",
  client: "client",
};

interface Snapshot {
  ticks: Cpu;
  client: NodeJS.CpuUsage;
  machine: { busy: number; total: number };
  ours: number;
}

export interface CpuRound {
  /** CPU ms per stream of each part. */
  perStream: Cpu;
  /** Share of all cores busy during the round (any process). */
  machineBusy: number;
  /** Share of all cores used by processes that are not part of the benchmark. */
  foreign: number;
}

const ticksOf = (pids: Record<keyof Cpu, number[]>): Cpu => {
  const sum = (k: keyof Cpu) => pids[k].reduce((s, p) => s + treeCpuTicks(p), 0);
  return {
    A: sum("A"),
    B: sum("B"),
    proxy: sum("proxy"),
    postgres: sum("postgres"),
    standin: sum("standin"),
    client: 0,
  };
};

export function cpuSnapshot(pids: Record<keyof Cpu, number[]>): Snapshot {
  return {
    ticks: ticksOf(pids),
    client: process.cpuUsage(),
    machine: machineTicks(),
    ours: treeCpuTicks(process.pid) + pids.postgres.reduce((s, p) => s + treeCpuTicks(p), 0),
  };
}

export function cpuSince(s: Snapshot, pids: Record<keyof Cpu, number[]>, streams: number): CpuRound {
  const now = ticksOf(pids);
  const c = process.cpuUsage(s.client);
  const m = machineTicks();
  const ours = treeCpuTicks(process.pid) + pids.postgres.reduce((sum, p) => sum + treeCpuTicks(p), 0);
  const per = (ticks: number) => (ticks * 1000) / TICKS_PER_SECOND / Math.max(1, streams);
  const total = m.total - s.machine.total;
  return {
    perStream: {
      A: per(now.A - s.ticks.A),
      B: per(now.B - s.ticks.B),
      proxy: per(now.proxy - s.ticks.proxy),
      postgres: per(now.postgres - s.ticks.postgres),
      standin: per(now.standin - s.ticks.standin),
      client: (c.user + c.system) / 1000 / Math.max(1, streams),
    },
    machineBusy: total > 0 ? (m.busy - s.machine.busy) / total : 0,
    foreign: total > 0 ? Math.max(0, m.busy - s.machine.busy - (ours - s.ours)) / total : 0,
  };
}
