/** Figures derived from the rounds of one level: medians over rounds, and paired comparisons with direct. */
import { median } from "../support";
import { paired, type Spread, spread } from "../lib/stats";
import type { PathName } from "./setup";
import type { Level, PairedCase, RoundStat } from "./types";

export interface PathFigures {
  rounds: number;
  n: number;
  errors: number;
  firstError?: string;
  ttftP50: number;
  ttftP99: number;
  totalP50: number;
  totalP99: number;
  spreadP50: number;
  spreadP90: number;
  bunched: number;
  cpuMsPerStream: number;
  /** Complete streams per CPU second of the middle process tree (streams per second per core). */
  perCoreS: number;
  standinCpuMsPerStream: number;
  others: number;
  /** p50 TTFT minus direct's, per round. */
  added: Spread;
  /** p99 TTFT ÷ direct's, per round. */
  p99Ratio: Spread;
  totalP99Ratio: Spread;
  /** CPU per stream ÷ the pass-through's, per round (the two measured moments apart, so the machine's drift
   * between rounds cancels); NaN spread for the pass-through itself and direct. */
  cpuRatio: Spread;
}

export type LevelFigures = Partial<Record<PathName, PathFigures>> & {
  /** A door's (or the pass-through's) added p50 TTFT ÷ the pass-through's (medians over rounds). */
  addedMultiple: (p: PathName) => number;
  /** CPU per stream ÷ the pass-through's (medians over rounds). */
  cpuMultiple: (p: PathName) => number;
};

const med = (rs: RoundStat[], f: (r: RoundStat) => number) => median(rs.map(f).filter(Number.isFinite));

export function derive(l: Level): LevelFigures {
  const direct = l.rounds.direct;
  const passRounds = l.rounds["pass-through"] ?? [];
  const out: Partial<Record<PathName, PathFigures>> = {};
  for (const [p, rs] of Object.entries(l.rounds) as [PathName, RoundStat[]][]) {
    if (!rs.length) continue;
    out[p] = {
      rounds: rs.length,
      n: rs.reduce((s, r) => s + r.n, 0),
      errors: rs.reduce((s, r) => s + r.errors, 0),
      firstError: rs.find((r) => r.firstError)?.firstError,
      ttftP50: med(rs, (r) => r.ttftP50),
      ttftP99: med(rs, (r) => r.ttftP99),
      totalP50: med(rs, (r) => r.totalP50),
      totalP99: med(rs, (r) => r.totalP99),
      spreadP50: med(rs, (r) => r.spreadP50),
      spreadP90: med(rs, (r) => r.spreadP90),
      bunched: med(rs, (r) => r.bunched),
      cpuMsPerStream: med(rs, (r) => r.cpuMsPerStream),
      perCoreS: med(rs, (r) => ((1000 / r.cpuMsPerStream) * r.n) / (r.n + r.errors)),
      standinCpuMsPerStream: med(rs, (r) => r.standinCpuMsPerStream),
      others: med(rs, (r) => r.others),
      added: paired(
        rs.map((r) => r.ttftP50),
        direct.map((r) => r.ttftP50),
        "diff",
      ),
      p99Ratio: paired(
        rs.map((r) => r.ttftP99),
        direct.map((r) => r.ttftP99),
        "ratio",
      ),
      totalP99Ratio: paired(
        rs.map((r) => r.totalP99),
        direct.map((r) => r.totalP99),
        "ratio",
      ),
      cpuRatio: paired(
        rs.map((r) => r.cpuMsPerStream ?? Number.NaN),
        passRounds.map((r) => r.cpuMsPerStream),
        "ratio",
      ),
    };
  }
  const pt = out["pass-through"];
  return Object.assign(out, {
    addedMultiple: (p: PathName) => (out[p] && pt ? flooredMultiple(out[p].added.med, pt.added.med) : Number.NaN),
    cpuMultiple: (p: PathName) => (out[p] && pt ? out[p].cpuMsPerStream / pt.cpuMsPerStream : Number.NaN),
  });
}

/**
 * Below this the pass-through's added p50 TTFT is noise (the direct path's own p50 moves by 0.1–0.3 ms from
 * round to round), and a multiple of it says nothing: a door's added time is taken against this instead. Runs
 * of 2026-11-27 had the pass-through adding −0.1 ms at 32 streams, which made any door "−10×" (and "met").
 */
export const MIN_ADDED_MS = 0.25;

/** A door's added time ÷ the pass-through's, the latter floored at MIN_ADDED_MS. */
export const flooredMultiple = (door: number, pass: number) => door / Math.max(pass, MIN_ADDED_MS);

/** A same-moment case's CPU ratio (bench/doors/paired.ts): each round's door ÷ pass-through, median and range. */
export const pairedRatio = (c: PairedCase): Spread => spread(c.rounds.map((x) => x.door / x.pass));
