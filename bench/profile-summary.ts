/**
 * Summarises a V8 .cpuprofile of the next server: self time by area (node internals, undici, Next's
 * server, each bundled package, each of the app's own source files — app chunks are mapped back through
 * their .js.map), top functions by self time, and top functions by inclusive time.
 * `npx tsx bench/profile-summary.ts FILE [N]`.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

// ---------------------------------------------------------------- source maps (flat, VLQ)

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64_INDEX = new Map([...B64].map((c, i) => [c, i]));

interface LineMap {
  cols: number[];
  srcs: number[];
  /** The original (0-based) line of each segment. */
  origLines: number[];
}
interface SourceMapLite {
  sources: string[];
  lines: LineMap[];
}

function decodeMappings(mappings: string): LineMap[] {
  const lines: LineMap[] = [];
  let src = 0;
  let origLine = 0;
  for (const line of mappings.split(";")) {
    const lm: LineMap = { cols: [], srcs: [], origLines: [] };
    let col = 0;
    for (const seg of line.split(",")) {
      if (!seg) continue;
      const vals: number[] = [];
      let shift = 0;
      let value = 0;
      for (const ch of seg) {
        const d = B64_INDEX.get(ch)!;
        value += (d & 31) << shift;
        if (d & 32) shift += 5;
        else {
          vals.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      col += vals[0];
      if (vals.length >= 4) {
        src += vals[1];
        origLine += vals[2];
        lm.cols.push(col);
        lm.srcs.push(src);
        lm.origLines.push(origLine);
      }
    }
    lines.push(lm);
  }
  return lines;
}

const maps = new Map<string, SourceMapLite | null>();
function sourceMapFor(url: string): SourceMapLite | null {
  if (maps.has(url)) return maps.get(url)!;
  let result: SourceMapLite | null = null;
  try {
    const file = url.startsWith("file:") ? fileURLToPath(url) : url;
    if (existsSync(`${file}.map`)) {
      const raw = JSON.parse(readFileSync(`${file}.map`, "utf8")) as { sources?: string[]; mappings?: string };
      if (raw.sources && raw.mappings) result = { sources: raw.sources, lines: decodeMappings(raw.mappings) };
    }
  } catch {
    result = null;
  }
  maps.set(url, result);
  return result;
}

/** The original source file and (1-based) line of a position in a bundled chunk (0-based line and column). */
export function originalPosition(url: string, line: number, column: number): { source: string; line: number } | null {
  const m = sourceMapFor(url);
  const lm = m?.lines[line];
  if (!m || !lm?.cols.length) return null;
  let lo = 0;
  let hi = lm.cols.length - 1;
  if (column < lm.cols[0]) hi = 0;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lm.cols[mid] <= column) lo = mid;
    else hi = mid - 1;
  }
  return { source: m.sources[lm.srcs[lo]], line: lm.origLines[lo] + 1 };
}

const originalSource = (url: string, line: number, column: number) =>
  originalPosition(url, line, column)?.source ?? null;

// ---------------------------------------------------------------- buckets

/** A coarse bucket for a frame, so the summary says whose code the time is spent in. */
export function bucketOf(cf: CallFrame): string {
  const { url, functionName: fn } = cf;
  if (!url) {
    if (fn === "(garbage collector)") return "GC";
    if (fn === "(idle)") return "idle";
    if (fn === "(program)") return "(program: native/V8)";
    return "native/builtin (writev, JSON.parse, …)";
  }
  if (url.startsWith("node:")) {
    if (/node:internal\/deps\/undici/.test(url)) return "undici (node's fetch)";
    if (/webstreams|encoding/.test(url)) return "node web streams / TextDecoder";
    if (/async_hooks|async_local_storage/.test(url)) return "node async_hooks (AsyncLocalStorage)";
    if (/abort_controller|domexception|event_target|worker\/js_transferable/.test(url))
      return "node AbortSignal/EventTarget/DOMException";
    if (/_http|node:http|node:net|stream_base|node:stream|internal\/streams/.test(url)) return "node http/net/streams";
    return "node other";
  }
  if (/\/\.next[^/]*\/server\/chunks\//.test(url)) {
    const src = originalSource(url, cf.lineNumber, cf.columnNumber);
    if (src) {
      const clean = decodeURIComponent(src).replace(/^(\.\.\/)+/, "");
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(clean);
      if (pkg) return pkg[1] === "next" ? "next server (bundled)" : `bundled ${pkg[1]}`;
      return `app: ${clean}`;
    }
    return "app chunks (unmapped)";
  }
  if (url.includes("/node_modules/next/")) return "next server";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return `pkg ${pkg[1]}`;
  return "other";
}

function frameKey(cf: CallFrame): string {
  const short = cf.url.replace(/^.*\/node_modules\//, "~/").replace(/^file:\/\/.*\/(\.next[^/]*)\//, "$1/");
  let where = `${short}:${cf.lineNumber + 1}`;
  if (/\/\.next[^/]*\/server\/chunks\//.test(cf.url)) {
    const pos = originalPosition(cf.url, cf.lineNumber, cf.columnNumber);
    if (pos) where = `${decodeURIComponent(pos.source).replace(/^(\.\.\/)+/, "")}:${pos.line}`;
  }
  return `${cf.functionName || "(anonymous)"}  ${where}`;
}

/** `skipMs`: leave out the profile's first milliseconds (start-up and warm-up), for a steady-state picture. */
export function summariseProfile(file: string, top = 25, o: { skipMs?: number } = {}): string {
  const prof = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  const skipUs = (o.skipMs ?? 0) * 1000;
  let at = 0;
  for (let i = 0; i < prof.samples.length; i++) {
    const dt = prof.timeDeltas[i + 1] ?? 0;
    at += prof.timeDeltas[i] ?? 0;
    if (at < skipUs) continue;
    self.set(prof.samples[i], (self.get(prof.samples[i]) ?? 0) + dt);
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  let busy = 0;
  const byFn = new Map<string, number>();
  const byBucket = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, t] of self) {
    const cf = byId.get(id)!.callFrame;
    if (cf.functionName === "(idle)") continue;
    busy += t;
    const key = frameKey(cf);
    byFn.set(key, (byFn.get(key) ?? 0) + t);
    const b = bucketOf(cf);
    byBucket.set(b, (byBucket.get(b) ?? 0) + t);
    // Inclusive: every distinct function on this node's stack gets the time once.
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const f = byId.get(n)!.callFrame;
      if (f.functionName === "(root)") continue;
      const k = frameKey(f);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + t);
    }
  }
  const pct = (t: number) => `${((100 * t) / busy).toFixed(1).padStart(5)}%`;
  const lines = [
    `profile ${file}: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy (${((100 * busy) / total).toFixed(0)}%)`,
    "self time by area (share of busy time):",
    ...[...byBucket.entries()]
      .sort((a, b) => b[1] - a[1])
      .filter(([, t]) => t / busy >= 0.002)
      .map(([k, t]) => `  ${pct(t)}  ${k}`),
    `top ${top} functions by self time:`,
    ...[...byFn.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, t]) => `  ${pct(t)}  ${k}`),
    `top ${top * 2} functions by inclusive time:`,
    ...[...inclusive.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top * 2)
      .map(([k, t]) => `  ${pct(t)}  ${k}`),
  ];
  return lines.join("\n");
}

if (process.argv[1] && /profile-summary\.ts$/.test(process.argv[1])) {
  const file = process.argv[2];
  if (!file) {
    console.error("usage: npx tsx bench/profile-summary.ts FILE.cpuprofile [TOP]");
    process.exit(1);
  }
  console.log(summariseProfile(file, Number(process.argv[3] ?? 25)));
}
