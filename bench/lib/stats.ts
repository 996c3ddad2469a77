/** Figures for the reports: paired comparisons over rounds, and number formats. */
import { median } from "../support";

export interface Spread {
  med: number;
  min: number;
  max: number;
}

/** Median, minimum and maximum of per-round values (NaN entries dropped). */
export function spread(values: number[]): Spread {
  const v = values.filter(Number.isFinite);
  return { med: median(v), min: v.length ? Math.min(...v) : Number.NaN, max: v.length ? Math.max(...v) : Number.NaN };
}

/** Round i of `a` against round i of `b` (same round, same machine load), as a difference or a ratio. */
export function paired(a: number[], b: number[], op: "diff" | "ratio"): Spread {
  const n = Math.min(a.length, b.length);
  return spread(Array.from({ length: n }, (_, i) => (op === "diff" ? a[i] - b[i] : a[i] / b[i])));
}

export const f0 = (v: number) => (Number.isFinite(v) ? v.toFixed(0) : "–");
export const f1 = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : "–");
export const f2 = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : "–");
export const signed = (v: number) => (Number.isFinite(v) ? `${v >= 0 ? "+" : ""}${v.toFixed(1)}` : "–");
export const pct = (v: number) => (Number.isFinite(v) ? `${(100 * v).toFixed(0)}%` : "–");
export const times = (v: number) => (Number.isFinite(v) ? `${v >= 10 ? v.toFixed(0) : v.toFixed(2)}×` : "–");
