/** The shape of bench/results/doors.json: everything the docs section is rendered from. */
import type { PathName } from "./setup";

/** One path's run of one round (closed loop), ms unless named otherwise. */
export interface RoundStat {
  n: number;
  errors: number;
  firstError?: string;
  wallMs: number;
  ttftP50: number;
  ttftP99: number;
  totalP50: number;
  totalP99: number;
  /** First content frame → last content frame, per stream: p50 / p90. */
  spreadP50: number;
  spreadP90: number;
  /** Share of streams whose content frames all arrived within 2 ms of each other (in one or two reads). */
  bunched: number;
  /** CPU ms (utime + stime, /proc ticks) of the middle process tree over the round, per stream; NaN for direct. */
  cpuMsPerStream: number;
  /** The stand-in's CPU ms per stream (the same upstream work on every path). */
  standinCpuMsPerStream: number;
  /** Share of the machine's CPU (all cores) used by processes outside the benchmark during the round. */
  others: number;
}

export interface Level {
  concurrency: number;
  perRound: number;
  rounds: Record<PathName, RoundStat[]>;
}

export interface HoldResult {
  door: "v1" | "chat";
  markers: string;
  words: number;
  delayMs: number;
  streams: number;
  completed: number;
  failed: number;
  firstError?: string;
  /** Streams that delivered content at all. */
  delivered: number;
  /** Seconds from the first request to the last delivering stream's first content frame. */
  allDeliveringS: number;
  /** Most streams open at one moment (first content frame seen, response not yet ended). */
  maxOpenAtOnce: number;
  /** Seconds from the first request to the last stream's end. */
  allDoneS: number;
  rssBeforeMb: number;
  rssPeakMb: number;
  /** Median RSS over the samples taken while maxOpenAtOnce streams (or ≥ 95% of them) were open. */
  rssMedianOpenMb: number;
  rssAfterMb: number;
  /** CPU seconds of the server tree over the whole hold. */
  cpuS: number;
  processes: number;
  /** Set when the server exited during the hold: how, and its last words (e.g. V8's out-of-memory report). */
  serverExit?: string;
}

export interface ProfileDoor {
  door: "v1" | "chat";
  concurrency: number;
  streams: number;
  /** Output of bench/profile-summary.ts (areas, top self, top inclusive). */
  summary: string;
  file: string;
}

export interface ProfileResult {
  date: string;
  build: string;
  doors: ProfileDoor[];
}

export interface Meta {
  date: string;
  quick: boolean;
  runSeconds: number;
  machine: string;
  loadAverage: number[];
  build: string;
  dist: string;
  serverCommand: string;
  words: number;
  wordDelayMs: number;
  model: string;
  prompt: string;
  serverStartupMs: number;
  serverRssStartMb: number;
  serverRssAfterLatencyMb: number;
  /** Rounds run per level (the time budget may cut the last ones). */
  roundsPlanned: number;
  /** Streams per path at 16 before the first level (absent in runs before 2026-11-27 09:00). */
  warmStreams?: Record<string, number>;
}

/** A door and the pass-through loaded at the same moment (bench/doors/paired.ts): CPU ms per stream per round. */
export interface PairedCase {
  door: "v1" | "chat";
  perPath: number;
  count: number;
  rounds: { door: number; pass: number; failed: number }[];
}

export interface DoorsResults {
  version: 1;
  meta: Meta;
  levels: Level[];
  /** Absent in runs before the twelfth session. */
  paired?: PairedCase[];
  holds: HoldResult[];
  profile?: ProfileResult;
}
