/** Result rows of the chat benchmark's query runs, and how a row is judged against its target. */
import type { Stats } from "../support";

export const TARGET_LIST_MS = 20;
export const TARGET_PAGE_MS = 150;

export interface Row {
  group: "sidebar" | "search" | "open";
  name: string;
  detail: string;
  rows: number;
  s: Stats;
  cpu: Stats;
  target: number;
  plan?: string;
  /** PostgreSQL: the server's execution time of the statement(s), median of EXPLAIN ANALYZE runs, ms. */
  serverMs?: number;
  /** Where the time goes, for queries over target. */
  why?: string;
  /** What would fix it. */
  fix?: string;
}

export type Verdict = "met" | "contention" | "not met";

/**
 * met: wall p95 under target. contention: wall p95 over, but the cost is under it — on SQLite this process's
 * CPU p95 (the query runs in-process), on PostgreSQL the server's execution time (EXPLAIN ANALYZE) plus this
 * process's CPU p95 for driver and mapping — so other processes had the cores.
 */
export function verdictOf(r: Pick<Row, "s" | "cpu" | "target" | "serverMs">): Verdict {
  if (r.s.p95 < r.target) return "met";
  const cost = r.serverMs === undefined ? r.cpu.p95 : r.serverMs + r.cpu.p95;
  return cost < r.target ? "contention" : "not met";
}

export const verdictText: Record<Verdict, string> = {
  met: "met",
  contention: "**not met** on wall-clock p95; met on cost (machine busy)",
  "not met": "**not met**",
};
