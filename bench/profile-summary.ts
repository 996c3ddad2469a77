/**
 * Summarises a V8 .cpuprofile: self time by function and by where the code lives (node internals,
 * undici, Next's server, the app's compiled chunks, …). `npx tsx bench/profile-summary.ts FILE [N]`.
 */
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** A coarse bucket for a script url, so the summary says whose code the time is spent in. */
export function bucketOf(url: string, fn: string): string {
  if (!url) {
    if (fn === "(garbage collector)") return "GC";
    if (fn === "(idle)") return "idle";
    if (fn === "(program)") return "(program: native/V8)";
    return "native/builtin";
  }
  if (url.startsWith("node:")) {
    if (/node:internal\/deps\/undici/.test(url)) return "undici (node's fetch)";
    if (/webstreams|streams\//.test(url)) return "node web streams";
    if (/node:internal\/(http|_http)|node:_http|node:http|node:net|node:internal\/stream_base|node:stream|node:internal\/streams/.test(url)) return "node http/net/streams";
    return "node other";
  }
  if (url.includes("/node_modules/next/")) return "next server";
  if (url.includes("/node_modules/")) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
    return `pkg ${m?.[1] ?? "?"}`;
  }
  if (url.includes("/.next")) return "app (compiled chunks)";
  return "other";
}

export function summariseProfile(file: string, top = 25): string {
  const prof = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < prof.samples.length; i++) {
    const dt = prof.timeDeltas[i + 1] ?? 0;
    self.set(prof.samples[i], (self.get(prof.samples[i]) ?? 0) + dt);
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const idle = [...self.entries()].filter(([id]) => byId.get(id)?.callFrame.functionName === "(idle)")
    .reduce((s, [, t]) => s + t, 0);
  const busy = total - idle;
  const byFn = new Map<string, number>();
  const byBucket = new Map<string, number>();
  for (const [id, t] of self) {
    const cf = byId.get(id)!.callFrame;
    if (cf.functionName === "(idle)") continue;
    const short = cf.url.replace(/^.*\/node_modules\//, "~/").replace(/^file:\/\/.*\/(\.next[^/]*)\//, "$1/");
    const key = `${cf.functionName || "(anonymous)"}  ${short}:${cf.lineNumber + 1}`;
    byFn.set(key, (byFn.get(key) ?? 0) + t);
    const b = bucketOf(cf.url, cf.functionName);
    byBucket.set(b, (byBucket.get(b) ?? 0) + t);
  }
  const pct = (t: number) => `${((100 * t) / busy).toFixed(1).padStart(5)}%`;
  const lines = [
    `profile ${file}: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy (${((100 * busy) / total).toFixed(0)}%)`,
    "self time by area (share of busy time):",
    ...[...byBucket.entries()].sort((a, b) => b[1] - a[1]).map(([k, t]) => `  ${pct(t)}  ${k}`),
    `top ${top} functions by self time:`,
    ...[...byFn.entries()].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, t]) => `  ${pct(t)}  ${k}`),
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
