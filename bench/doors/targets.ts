/** The targets, each checked against the figures: rows for the Targets table. */
import { f0, f1, f2, pct, signed, times } from "../lib/stats";
import { derive, flooredMultiple, type LevelFigures, MIN_ADDED_MS, pairedRatio } from "./derive";
import type { DoorsResults, HoldResult } from "./types";

export interface TargetRow {
  target: string;
  measured: string;
  /** true met, false not met, undefined: shown only (or not measured in this run). */
  met?: boolean;
}

export const HOLD_STREAMS = 1000;
export const MAX_RSS_MB = 300;

/** "Tokens arrive as produced": the chat's first→last content spread is at least this share of the stand-in's own. */
export const SPREAD_SHARE = 0.5;

const streams = (c: number) => `${c} stream${c === 1 ? "" : "s"}`;

/** A door's added p50 TTFT as a multiple of the pass-through's (floored at MIN_ADDED_MS), and how it reads. */
function addedMultiple(door: number, pass: number): { m: number; text: string } {
  const floored = pass < MIN_ADDED_MS;
  const m = flooredMultiple(door, pass);
  return {
    m,
    text:
      `${signed(door)} ms vs ${signed(pass)} ms: ${times(m)}` +
      (floored ? ` (against ${MIN_ADDED_MS} ms: the pass-through added less than this run resolves)` : ""),
  };
}

export function targetRows(r: DoorsResults): TargetRow[] {
  const rows: TargetRow[] = [];
  const at = (c: number): LevelFigures | undefined => {
    const l = r.levels.find((x) => x.concurrency === c);
    return l ? derive(l) : undefined;
  };
  for (const c of [32, 1, 256]) {
    const d = at(c);
    const v1 = d?.v1;
    const pt = d?.["pass-through"];
    if (!d || !v1 || !pt) {
      rows.push({ target: `/v1 at ${streams(c)}`, measured: "not measured in this run" });
      continue;
    }
    const { m, text } = addedMultiple(v1.added.med, pt.added.med);
    rows.push({
      target: `/v1 at ${streams(c)}: added p50 TTFT ≤ 2× the pass-through's (aim 1.25×)`,
      measured: `${text}${m <= 1.25 ? " (aim met)" : ""}`,
      met: m <= 2,
    });
    rows.push({
      target: `/v1 at ${streams(c)}: p99 TTFT ≤ 2× direct`,
      measured: `${f2(v1.p99Ratio.med)}× (${f1(v1.ttftP99)} vs ${f1(d.direct?.ttftP99 ?? Number.NaN)} ms; pass-through ${f2(pt.p99Ratio.med)}×)`,
      met: v1.p99Ratio.med <= 2,
    });
    // Judged at the same moment when this run has it (16 + 16 streams for 32, 128 + 128 for 256).
    const same = r.paired?.find((p) => p.door === "v1" && p.perPath * 2 === c);
    const sameRatio = same ? pairedRatio(same) : undefined;
    rows.push({
      target: `/v1 at ${streams(c)}: CPU per stream ≤ 1.5× the pass-through's`,
      measured:
        (sameRatio
          ? `at the same moment (${same!.perPath} + ${same!.perPath}): ${times(sameRatio.med)} [${f2(sameRatio.min)}…${f2(sameRatio.max)}]; paths in turn: `
          : "") + `${f2(v1.cpuMsPerStream)} vs ${f2(pt.cpuMsPerStream)} ms: ${times(d.cpuMultiple("v1"))}`,
      met: (sameRatio?.med ?? d.cpuMultiple("v1")) <= 1.5,
    });
  }
  const d32 = at(32);
  const chat = d32?.chat;
  const pt = d32?.["pass-through"];
  const direct = d32?.direct;
  if (d32 && chat && pt && direct) {
    const { m, text } = addedMultiple(chat.added.med, pt.added.med);
    rows.push({
      target: "chat at 32 streams: added p50 TTFT ≤ 12× the pass-through's",
      measured: text,
      met: m <= 12,
    });
    const share = chat.spreadP50 / direct.spreadP50;
    rows.push({
      target: `chat at 32 streams: tokens arrive as they are produced (first→last content ≥ ${pct(SPREAD_SHARE)} of the stand-in's own spread)`,
      measured:
        `${f1(chat.spreadP50)} ms first→last (p50; direct ${f1(direct.spreadP50)} ms, ${pct(share)}); ` +
        `${pct(chat.bunched)} of chat streams got all their text within 2 ms`,
      met: share >= SPREAD_SHARE,
    });
  } else {
    rows.push({ target: "chat at 32 streams", measured: "not measured in this run" });
  }
  for (const door of ["v1", "chat"] as const)
    rows.push(
      holdRow(
        door,
        r.holds.find((h) => h.door === door),
      ),
    );
  if (d32 && pt) {
    rows.push({
      target: "streams per second per core, both doors next to the pass-through (32 streams)",
      measured:
        `pass-through ${f0(pt.perCoreS)}, /v1 ${f0(d32.v1?.perCoreS ?? Number.NaN)}, ` +
        `chat ${f0(chat?.perCoreS ?? Number.NaN)} streams per CPU second`,
    });
  }
  return rows;
}

function holdRow(door: "v1" | "chat", h: HoldResult | undefined): TargetRow {
  const target = `${HOLD_STREAMS.toLocaleString("en")} ${door === "v1" ? "/v1" : "chat"} streams open at once: all complete, process tree RSS ≤ ${MAX_RSS_MB} MB`;
  if (!h) return { target, measured: "not measured in this run" };
  const allDone = h.completed === h.streams;
  const allOpen = h.maxOpenAtOnce === h.streams;
  return {
    target,
    measured:
      `${h.completed} of ${h.streams} completed, ${h.maxOpenAtOnce} open at once` +
      `${allOpen ? "" : " (not all at once)"}; peak ${f1(h.rssPeakMb)} MB` +
      (h.streams < HOLD_STREAMS ? ` (only ${h.streams} streams in this run)` : "") +
      (h.serverExit ? `; **the server died** (${h.serverExit})` : ""),
    met: h.streams < HOLD_STREAMS ? undefined : allDone && allOpen && h.rssPeakMb <= MAX_RSS_MB,
  };
}
