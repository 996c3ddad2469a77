/**
 * Gateway benchmark: `npm run bench:gateway` (also the first part of `npm run bench`). About 4 minutes, plus ~45 s to build once.
 *
 *   npm run bench:gateway                 build .next-bench if missing, measure, write docs/benchmarks.md (## Gateway)
 *   npm run bench:gateway -- --build      rebuild .next-bench first (do this after changing the app)
 *   npm run bench:gateway -- --build-only rebuild .next-bench and stop
 *   npm run bench:gateway -- --quick      fewer rounds, 300 held streams; prints, does not write the docs
 *   npm run bench:gateway -- --profile    run the next server under --cpu-prof (gateway path at 32 streams only) and
 *                                 print where its CPU time goes (bench/profile-summary.ts); does not write the docs
 *   npm run bench:gateway -- --verbose    echo the children's output
 *   BENCH_SERVER_NODE_OPTIONS="--max-old-space-size=128" npm run bench:gateway   extra node flags for the next server
 * Also: `npx tsx bench/components.ts` times the gateway's own pieces in-process (no Next, no sockets).
 *
 * Three paths get identical streaming requests (GLM-4-Air, stream: true, 20 words 2 ms apart) against the
 * stand-in upstream (tests/upstream/server.ts, its own process, logging off):
 *   direct        client → stand-in /chat/completions
 *   pass-through  client → bare node http proxy (bench/passthrough.mjs) → stand-in
 *   gateway       client → `next start` of the .next-bench production build, /v1/chat/completions → stand-in
 * Every path is warmed, then the paths are interleaved in rounds (order rotated each round) at 1, 8, 32 and
 * 256 concurrent streams (closed loop: N workers, each starts its next stream when the last one ends).
 * Figures are medians over rounds of each round's p50 / p99. Then the next server is restarted and 1,000
 * gateway streams are held open at once, and the RSS of the server's process tree is read from /proc.
 *
 * The build lives in its own directory (NEXT_DIST_DIR=.next-bench) so it never touches the .next that tests
 * and dev servers use; `next build` rewrites tsconfig.json / next-env.d.ts to mention that directory, and
 * the script puts them back afterwards. The server is the next CLI run directly with node (what
 * `NEXT_DIST_DIR=.next-bench npx next start -p PORT` runs, minus the npm and sh processes in front of it).
 */
import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { streamOnce as streamOnceLib, V1_CONTENT, type Sample } from "./lib/streams";
import { summariseProfile } from "./profile-summary";
import {
  freePort,
  killChildrenNow,
  machineTicks,
  mb,
  median,
  percentile,
  replaceDocSection,
  runToEnd,
  sleep,
  startChild,
  stopChildren,
  TICKS_PER_SECOND,
  treeCpuTicks,
  treeRss,
  waitForHealth,
  type Child,
} from "./support";

const ROOT = path.resolve(__dirname, "..");
const DIST = ".next-bench";
const argv = new Set(process.argv.slice(2));
const BUILD_ONLY = argv.has("--build-only");
const FORCE_BUILD = argv.has("--build") || BUILD_ONLY;
const QUICK = argv.has("--quick");
const PROFILE = argv.has("--profile");
const VERBOSE = argv.has("--verbose");
/** Extra NODE_OPTIONS for the next server only, e.g. "--max-old-space-size=128" (noted in the report). */
const SERVER_NODE_OPTIONS = process.env.BENCH_SERVER_NODE_OPTIONS?.trim() || "";

const WORDS = 20;
const WORD_DELAY_MS = 2;
const ROUNDS = QUICK ? 2 : PROFILE ? 4 : 5;
/** Concurrency → streams per path per round (closed loop). 32 and 256 carry the targets; 1 and 8 show the
 * overhead when nothing is queueing. */
const LEVELS: { concurrency: number; perRound: number }[] = PROFILE
  ? [{ concurrency: 32, perRound: 640 }]
  : QUICK
    ? [
        { concurrency: 1, perRound: 20 },
        { concurrency: 32, perRound: 160 },
        { concurrency: 256, perRound: 512 },
      ]
    : [
        { concurrency: 1, perRound: 40 },
        { concurrency: 8, perRound: 120 },
        { concurrency: 32, perRound: 384 },
        { concurrency: 256, perRound: 768 },
      ];
const HOLD_STREAMS = QUICK ? 300 : 1000;
/** Held streams: 120 words 500 ms apart (open ~60 s, 2 chunks/s each), then the stress case, 400 words
 * 50 ms apart (open ~20 s, 20 chunks/s each). */
const HOLD_STEADY = "[words:120][delay:500]";
const HOLD_STRESS = "[words:400][delay:50]";
/** How long to wait for every held stream to deliver its first content. */
const HOLD_WAIT_MS = { steady: 45_000, stress: 25_000 };
const STREAM_TIMEOUT_MS = 30_000;
/** Hard bound on the measuring part (the build, when needed, comes before and is not counted); the stress
 * hold is skipped if less than STRESS_NEEDS_MS is left of the soft budget. */
const RUN_LIMIT_MS = 7.5 * 60_000;
const SOFT_BUDGET_MS = 6 * 60_000;
const STRESS_NEEDS_MS = 50_000;

type PathName = "direct" | "pass-through" | "gateway";
const PATHS: PathName[] = ["direct", "pass-through", "gateway"];
interface Target {
  name: PathName;
  port: number;
  path: string;
}

/** The process whose CPU a path adds (filled in once the children are up). */
const middlePid: Partial<Record<PathName, number>> = {};

const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

// ---------------------------------------------------------------- lifecycle

let cleaningUp: Promise<void> | null = null;
function cleanup(): Promise<void> {
  return (cleaningUp ??= stopChildren(PROFILE ? 15_000 : 3000));
}
process.on("exit", killChildrenNow);
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(sig, () => {
    log(`${sig}: stopping children`);
    void cleanup().finally(() => process.exit(130));
  });
}
process.on("uncaughtException", (err) => {
  console.error(err);
  void cleanup().finally(() => process.exit(1));
});
process.on("unhandledRejection", (err) => {
  console.error(err);
  void cleanup().finally(() => process.exit(1));
});

// ---------------------------------------------------------------- build

/** Files `next build` rewrites to mention its distDir; restored afterwards so the bench edits nothing outside bench/. */
const BUILD_TOUCHES = ["tsconfig.json", "next-env.d.ts"];

async function ensureBuild(): Promise<void> {
  const buildId = path.join(ROOT, DIST, "BUILD_ID");
  if (!FORCE_BUILD && existsSync(buildId)) {
    log(`using the existing ${DIST} build (pass --build to rebuild)`);
    return;
  }
  log(`building into ${DIST} (NEXT_DIST_DIR=${DIST} npx next build) …`);
  const saved = new Map(BUILD_TOUCHES.map((f) => [f, readFileSync(path.join(ROOT, f), "utf8")]));
  const started = Date.now();
  try {
    await runToEnd(
      "next build",
      "npx",
      ["next", "build"],
      {
        cwd: ROOT,
        env: { ...process.env, NEXT_DIST_DIR: DIST, NEXT_TELEMETRY_DISABLED: "1" },
        echo: VERBOSE,
      },
      600_000,
    );
  } finally {
    for (const [f, before] of saved) {
      const file = path.join(ROOT, f);
      const now = readFileSync(file, "utf8");
      if (now !== before && now.includes(DIST) && !before.includes(DIST)) writeFileSync(file, before);
    }
  }
  log(`built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  writeFileSync(path.join(ROOT, DIST, "bench-build-info.json"), JSON.stringify(sourceState(started)));
}

/** The commit the source tree is at, and how many files differ from it (others may be editing). */
function sourceState(at: number): { commit: string; changed: number; at: number } {
  const git = (args: string[]) => {
    try {
      return execFileSync("git", args, { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    } catch {
      return "";
    }
  };
  const changed = git(["status", "--porcelain", "--untracked-files=no"]).split("\n").filter(Boolean).length;
  return { commit: git(["rev-parse", "--short", "HEAD"]) || "unknown", changed, at };
}

function buildDescription(): string {
  try {
    const info = JSON.parse(readFileSync(path.join(ROOT, DIST, "bench-build-info.json"), "utf8")) as {
      commit: string;
      changed: number;
      at: number;
    };
    return (
      `built ${new Date(info.at).toISOString().replace("T", " ").slice(0, 16)} UTC from commit ${info.commit}` +
      (info.changed ? ` plus ${info.changed} uncommitted changed file(s)` : "")
    );
  } catch {
    const st = statSync(path.join(ROOT, DIST, "BUILD_ID"));
    return `built ${st.mtime.toISOString().replace("T", " ").slice(0, 16)} UTC (commit not recorded)`;
  }
}

// ---------------------------------------------------------------- the client

function requestBody(text: string): Buffer {
  return Buffer.from(JSON.stringify({ model: "GLM-4-Air", stream: true, messages: [{ role: "user", content: text }] }));
}

/** One /v1 stream through bench/lib/streams.ts: ok with status 200, `expectFrames` content frames and `[DONE]`. */
function streamOnce(
  t: Target,
  agent: http.Agent,
  body: Buffer,
  headers: http.OutgoingHttpHeaders,
  expectFrames: number,
): Promise<Sample> {
  return streamOnceLib({
    port: t.port,
    path: t.path,
    agent,
    body,
    headers,
    isContent: V1_CONTENT,
    expectFrames,
    timeoutMs: STREAM_TIMEOUT_MS,
  });
}

interface RoundStat {
  n: number;
  errors: number;
  firstError?: string;
  ttftP50: number;
  ttftP99: number;
  totalP50: number;
  totalP99: number;
  /** CPU time of the process in the middle (pass-through or next server) per stream, in ms. */
  cpuMsPerStream: number;
}

/** Closed loop: `concurrency` workers share `count` streams; each starts its next stream when one ends. */
async function runRound(
  t: Target,
  agent: http.Agent,
  body: Buffer,
  headers: http.OutgoingHttpHeaders,
  concurrency: number,
  count: number,
): Promise<RoundStat> {
  const cpuPid = middlePid[t.name];
  const cpuBefore = cpuPid ? treeCpuTicks(cpuPid) : 0;
  const samples: Sample[] = [];
  let issued = 0;
  const worker = async () => {
    while (issued < count) {
      issued++;
      samples.push(await streamOnce(t, agent, body, headers, WORDS));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const cpuMsPerStream = cpuPid ? ((treeCpuTicks(cpuPid) - cpuBefore) * 1000) / TICKS_PER_SECOND / count : NaN;
  const ok = samples.filter((s) => s.ok);
  const ttft = ok.map((s) => s.ttft);
  const total = ok.map((s) => s.total);
  return {
    n: ok.length,
    errors: samples.length - ok.length,
    firstError: samples.find((s) => !s.ok)?.error,
    ttftP50: percentile(ttft, 0.5),
    ttftP99: percentile(ttft, 0.99),
    totalP50: percentile(total, 0.5),
    totalP99: percentile(total, 0.99),
    cpuMsPerStream,
  };
}

// ---------------------------------------------------------------- the hold test

interface HoldResult {
  label: string;
  markers: string;
  streams: number;
  delivering: number;
  /** How many were delivering when the wait ended (all of them, or the wait's time limit). */
  deliveringAtLimit: number;
  /** Seconds until the last stream delivered, or until the wait's limit. */
  openSeconds: number;
  openAtSampling: number;
  beforeMb: number;
  peakMb: number;
  medianMb: number;
  afterCloseMb: number;
  processes: number;
  errors: number;
  firstError?: string;
  /** Seconds from closing the held streams until GET /api/health answered 200 (NaN: not within 20 s). */
  recoverySeconds: number;
}

/**
 * Opens `streams` gateway streams at once (in batches of 50, so the listen backlog is never what is
 * measured), reads them all, waits until every one has delivered content (at most 30 s), samples the
 * server tree's RSS 10× over 2 s, then closes them from the client side.
 */
async function holdOpen(
  label: "steady" | "stress",
  gw: Target,
  serverPid: number,
  baseHeaders: http.OutgoingHttpHeaders,
  markers: string,
  streams: number,
): Promise<HoldResult> {
  const agent = new http.Agent({ keepAlive: false, maxSockets: streams + 64 });
  const body = requestBody(`Keep talking for a while. ${markers}`);
  const headers = { ...baseHeaders, "content-length": body.length };
  const before = treeRss(serverPid);
  interface Held {
    req: http.ClientRequest;
    first: boolean;
    ended: boolean;
    error?: string;
  }
  const held: Held[] = [];
  let closing = false;
  let delivering = 0;
  let allDeliveredAt = NaN;
  let errors = 0;
  let firstError: string | undefined;
  const fail = (h: Held, msg: string) => {
    if (closing || h.error || h.ended) return;
    h.error = msg;
    errors++;
    firstError ??= msg;
  };
  const open = () => {
    const h: Held = { req: null as unknown as http.ClientRequest, first: false, ended: false };
    h.req = http.request({ host: "127.0.0.1", port: gw.port, path: gw.path, method: "POST", agent, headers }, (res) => {
      if (res.statusCode !== 200) {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (text += c));
        res.on("end", () => fail(h, `HTTP ${res.statusCode} ${text.slice(0, 200)}`));
        return;
      }
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        if (!h.first && V1_CONTENT(chunk)) {
          h.first = true;
          if (++delivering === streams) allDeliveredAt = performance.now();
        }
      });
      res.on("end", () => (h.ended = true));
      res.on("error", () => {});
    });
    h.req.on("error", (e) => fail(h, e.message));
    h.req.end(body);
    held.push(h);
  };

  const started = performance.now();
  for (let i = 0; i < streams; i += 50) {
    for (let j = i; j < Math.min(streams, i + 50); j++) open();
    await sleep(25);
  }
  const deadline = Date.now() + HOLD_WAIT_MS[label];
  while (delivering + errors < streams && Date.now() < deadline) await sleep(50);
  const deliveringAtLimit = delivering;
  const openSeconds = ((Number.isNaN(allDeliveredAt) ? performance.now() : allDeliveredAt) - started) / 1000;
  log(
    `hold (${label}, ${markers}): ${delivering}/${streams} streams delivering after ${openSeconds.toFixed(1)} s (${errors} errors)`,
  );

  const samples: number[] = [];
  let processes = 0;
  for (let i = 0; i < 10; i++) {
    await sleep(200);
    const r = treeRss(serverPid);
    samples.push(r.bytes);
    processes = r.processes;
  }
  const openAtSampling = held.filter((h) => h.first && !h.ended && !h.error).length;
  closing = true;
  for (const h of held) h.req.destroy();
  agent.destroy();
  const closedAt = performance.now();
  await sleep(3000);
  const after = treeRss(serverPid);
  let recoverySeconds = NaN;
  try {
    await waitForHealth(gw.port, "/api/health", 17_000);
    recoverySeconds = (performance.now() - closedAt) / 1000;
  } catch {
    /* reported as NaN */
  }
  log(
    `hold (${label}): RSS ${mb(before.bytes).toFixed(0)} MB before, peak ${mb(Math.max(...samples)).toFixed(0)} MB with ` +
      `${openAtSampling} open, ${mb(after.bytes).toFixed(0)} MB 3 s after closing`,
  );
  return {
    label,
    markers,
    streams,
    delivering,
    deliveringAtLimit,
    openSeconds,
    openAtSampling,
    beforeMb: mb(before.bytes),
    peakMb: mb(Math.max(...samples)),
    medianMb: mb(median(samples)),
    afterCloseMb: mb(after.bytes),
    processes,
    errors,
    firstError,
    recoverySeconds,
  };
}

// ---------------------------------------------------------------- report

const f1 = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : "–");
const f2 = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : "–");
const signed = (v: number) => (Number.isFinite(v) ? `${v >= 0 ? "+" : ""}${v.toFixed(1)}` : "–");

interface LevelSummary {
  concurrency: number;
  perRound: number;
  rounds: Record<PathName, RoundStat[]>;
}

const med = (rs: RoundStat[], k: keyof RoundStat) => median(rs.map((r) => r[k] as number));
/** Per-round paired difference / ratio between two paths, then the median over rounds (and the range). */
function paired(l: LevelSummary, a: PathName, b: PathName, k: keyof RoundStat, op: "diff" | "ratio") {
  const vals = l.rounds[a].map((ra, i) => {
    const x = ra[k] as number;
    const y = l.rounds[b][i][k] as number;
    return op === "diff" ? x - y : x / y;
  });
  return { med: median(vals), min: Math.min(...vals), max: Math.max(...vals) };
}

function derived(l: LevelSummary) {
  const gwAdded = paired(l, "gateway", "direct", "ttftP50", "diff");
  const ptAdded = paired(l, "pass-through", "direct", "ttftP50", "diff");
  const p99Ratio = paired(l, "gateway", "direct", "ttftP99", "ratio");
  const ptP99Ratio = paired(l, "pass-through", "direct", "ttftP99", "ratio");
  const totalP99Ratio = paired(l, "gateway", "direct", "totalP99", "ratio");
  return { gwAdded, ptAdded, multiple: gwAdded.med / ptAdded.med, p99Ratio, ptP99Ratio, totalP99Ratio };
}

interface Meta {
  date: string;
  runSeconds: number;
  foreignCpu: number;
  serverRssStartMb: number;
  serverRssAfterLatencyMb: number;
  gatewayRssByRound: number[];
}

function report(levels: LevelSummary[], holds: HoldResult[], meta: Meta): string {
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  const lines: string[] = [];
  lines.push("## Gateway", "");
  lines.push(
    `Generated by \`npm run bench\` (bench/gateway.ts) on ${meta.date}. Machine: ${os.availableParallelism()} cores ` +
      `(\`nproc\`), ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, Linux ${os.release()}. ` +
      `The run took ${meta.runSeconds.toFixed(0)} s (build excluded). Other processes on this shared machine used ` +
      `${(100 * meta.foreignCpu).toFixed(0)}% of its CPU (both cores) during the latency runs.`,
    "",
  );
  lines.push("### Method", "");
  lines.push(
    `- Stand-in upstream (tests/upstream/server.ts) in its own process, logging off, streaming ${WORDS} words ` +
      `${WORD_DELAY_MS} ms apart (\`[words:${WORDS}]\`). Identical requests on every path: \`POST\`, model GLM-4-Air, ` +
      "`stream: true`, same body and headers (`Authorization: Bearer <key made by scripts/keys.ts>`).",
    "- Paths: **direct** = client → stand-in `/chat/completions`; **pass-through** = client → bare Node `http` proxy " +
      "(bench/passthrough.mjs: keep-alive agent, `req.pipe`/`res.pipe`, no parsing, own process) → stand-in; " +
      `**gateway** = client → \`next start\` of the production build in \`${DIST}/\` (${buildDescription()}; own process; UPSTREAM_BASE_URL = the ` +
      "stand-in, SQLite in a temp dir) `/v1/chat/completions` → stand-in." +
      (SERVER_NODE_OPTIONS ? ` **The next server ran with NODE_OPTIONS=\`${SERVER_NODE_OPTIONS}\`.**` : ""),
    "- Client: one Node process, `node:http` with a keep-alive `http.Agent` (maxSockets raised), all on 127.0.0.1. " +
      "TTFT = request written → first `data:` frame carrying non-empty content; stream = request written → end of " +
      `response. A stream counts only if it is HTTP 200 with all ${WORDS} content frames and \`[DONE]\`.`,
    "- Load: closed loop with N concurrent streams (N workers; each starts a new stream when its last one ends). " +
      "Each path is warmed (300 streams at 16, then a discarded half-size round per concurrency). Then " +
      `${ROUNDS} rounds per concurrency; in each round every path runs once, order rotated each round; ` +
      levels.map((l) => `${l.perRound} streams per path per round at ${l.concurrency}`).join(", ") +
      ".",
    '- Figures are the **median over rounds** of each round\'s p50 / p99. "Added" figures and ratios are computed per ' +
      "round against the same round's direct path, then the median taken (range over rounds in brackets).",
    '- "CPU per stream" is the utime+stime (from /proc, 10 ms ticks) of the process in the middle (the pass-through, ' +
      "or the next server and its children) over a round, divided by the round's streams.",
    "- Four Node processes (client, stand-in, pass-through, next server) share two cores, so absolute figures drift " +
      "between runs; compare paths within one run. `npm run bench:gateway -- --profile` and `npx tsx bench/components.ts` " +
      "break the gateway's CPU per stream down.",
    "- Memory: the next server is restarted (and warmed with 300 streams) so the figure is what the open streams " +
      `cost, not heap left from the latency runs. Then ${holds[0]?.streams ?? HOLD_STREAMS} gateway streams are opened at ` +
      "once and read; when all have delivered content, VmRSS of the server process and all its descendants " +
      "(/proc/<pid>/status) is sampled 10× over 2 s; then the client closes them. Steady: " +
      `\`${HOLD_STEADY}\` (a chunk every 500 ms per stream, ~60 s long; up to ${HOLD_WAIT_MS.steady / 1000} s allowed for all to ` +
      `start delivering). Stress: \`${HOLD_STRESS}\` (a chunk every 50 ms per stream, 20,000 chunks/s in all; up to ` +
      `${HOLD_WAIT_MS.stress / 1000} s), on the same server right after` +
      (holds.some((h) => h.label === "stress") ? "." : " — skipped in this run for lack of time."),
    "",
  );
  lines.push("### Latency (ms)", "");
  lines.push(
    "| streams | path | TTFT p50 | TTFT p99 | stream p50 | stream p99 | CPU per stream (middle process) | ok / failed |",
  );
  lines.push("|---:|---|---:|---:|---:|---:|---:|---:|");
  for (const l of levels) {
    for (const p of PATHS) {
      const rs = l.rounds[p];
      if (!rs.length) continue;
      const n = rs.reduce((s, r) => s + r.n, 0);
      const e = rs.reduce((s, r) => s + r.errors, 0);
      lines.push(
        `| ${l.concurrency} | ${p} | ${f1(med(rs, "ttftP50"))} | ${f1(med(rs, "ttftP99"))} | ` +
          `${f1(med(rs, "totalP50"))} | ${f1(med(rs, "totalP99"))} | ` +
          `${p === "direct" ? "–" : `${f2(med(rs, "cpuMsPerStream"))} ms`} | ${n} / ${e} |`,
      );
    }
  }
  lines.push("");
  lines.push(
    "| streams | pass-through added p50 TTFT | gateway added p50 TTFT | gateway ÷ pass-through added | p99 TTFT pass-through ÷ direct | p99 TTFT gateway ÷ direct | p99 stream gateway ÷ direct |",
  );
  lines.push("|---:|---:|---:|---:|---:|---:|---:|");
  for (const l of levels) {
    const d = derived(l);
    lines.push(
      `| ${l.concurrency} | ${signed(d.ptAdded.med)} ms [${f1(d.ptAdded.min)}…${f1(d.ptAdded.max)}] | ` +
        `${signed(d.gwAdded.med)} ms [${f1(d.gwAdded.min)}…${f1(d.gwAdded.max)}] | ${f1(d.multiple)}× | ` +
        `${f2(d.ptP99Ratio.med)}× | ${f2(d.p99Ratio.med)}× [${f2(d.p99Ratio.min)}…${f2(d.p99Ratio.max)}] | ${f2(d.totalP99Ratio.med)}× |`,
    );
  }
  lines.push("");
  if (levels.some((l) => l.concurrency === 1)) {
    lines.push(
      "At 1 stream the p99 of a 40-stream round is close to its maximum; read it loosely. At low concurrency " +
        "each frame wakes the middle process on its own, so its CPU per stream is higher than under load, where one " +
        "wake-up serves many sockets.",
      "",
    );
  }
  if (holds.length) {
    lines.push("### Memory with many open streams", "");
    lines.push(
      "| case | streams opened | delivering by sampling (time to all) | still open when sampled | server RSS before | RSS while open (peak / median) | RSS 3 s after closing | failed | processes in tree |",
    );
    lines.push("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (const h of holds) {
      const when =
        h.deliveringAtLimit === h.streams
          ? `all by ${h.openSeconds.toFixed(1)} s`
          : `${h.deliveringAtLimit} at the ${HOLD_WAIT_MS[h.label as "steady" | "stress"] / 1000} s limit`;
      lines.push(
        `| ${h.label} \`${h.markers}\` | ${h.streams} | ${h.delivering} (${when}) | ${h.openAtSampling} | ` +
          `${f1(h.beforeMb)} MB | ${f1(h.peakMb)} / ${f1(h.medianMb)} MB | ${f1(h.afterCloseMb)} MB | ` +
          `${h.errors}${h.firstError ? ` (${h.firstError.slice(0, 60)})` : ""} | ${h.processes} |`,
      );
    }
    lines.push("");
    const rounds = meta.gatewayRssByRound.map((v) => v.toFixed(0)).join(", ");
    lines.push(
      `Server RSS right after start-up: ${f1(meta.serverRssStartMb)} MB. After the latency runs (before the restart): ` +
        `${f1(meta.serverRssAfterLatencyMb)} MB; after each measured gateway round: ${rounds} MB. ` +
        "Health check after closing the held streams: " +
        holds
          .map(
            (h) =>
              `${h.label} ` +
              (Number.isFinite(h.recoverySeconds)
                ? `ok (answered ${h.recoverySeconds.toFixed(1)} s after closing)`
                : "**no answer within 20 s of closing**"),
          )
          .join("; ") +
        ". MB = 2^20 bytes.",
      "",
    );
  }
  lines.push("### Targets", "");
  lines.push("| target | measured | |");
  lines.push("|---|---|---|");
  const l32 = levels.find((l) => l.concurrency === 32);
  if (l32) {
    const d = derived(l32);
    lines.push(
      `| ≤ 2 ms added to p50 TTFT at 32 streams | ${signed(d.gwAdded.med)} ms (bare pass-through: ${signed(d.ptAdded.med)} ms) | ` +
        `${d.gwAdded.med <= 2 ? "met" : "**not met**"} |`,
    );
    lines.push(
      `| p99 TTFT ≤ 1.5× direct at 32 streams | ${f2(d.p99Ratio.med)}× (bare pass-through: ${f2(d.ptP99Ratio.med)}×; ` +
        `whole-stream p99: ${f2(d.totalP99Ratio.med)}×) | ${d.p99Ratio.med <= 1.5 ? "met" : "**not met**"} |`,
    );
  }
  const steady = holds.find((h) => h.label === "steady");
  if (steady) {
    const allOpen = steady.openAtSampling === steady.streams;
    const stress = holds.find((h) => h.label === "stress");
    const stressNote = stress
      ? `; stress case: ${f1(stress.peakMb)} MB with ${stress.openAtSampling} of ${stress.streams} delivering`
      : "";
    lines.push(
      `| ${steady.streams} open streams in ≤ 300 MB RSS | ${f1(steady.peakMb)} MB peak with ${steady.openAtSampling} ` +
        `open (steady case, fresh server${stressNote}) | ` +
        `${allOpen && steady.peakMb <= 300 ? "met" : allOpen ? "**not met**" : "**not met** (not all streams were open)"} |`,
    );
  }
  lines.push("");
  return lines.join("\n");
}

function writeDocs(section: string) {
  const file = replaceDocSection(ROOT, "Gateway", section);
  log(`wrote ${path.relative(ROOT, file)}`);
}

// ---------------------------------------------------------------- main

/** The machine is shared: wait (at most 30 s) until other processes use under a quarter of its CPU. */
async function waitForQuiet(): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const m0 = machineTicks();
    const o0 = treeCpuTicks(process.pid);
    await sleep(3000);
    const m1 = machineTicks();
    const share = Math.max(0, m1.busy - m0.busy - (treeCpuTicks(process.pid) - o0)) / (m1.total - m0.total);
    if (share < 0.25) return;
    if (Date.now() > deadline) {
      log(
        `other processes still use ${(100 * share).toFixed(0)}% of the CPU; measuring anyway (figures will be noisy)`,
      );
      return;
    }
    log(`other processes use ${(100 * share).toFixed(0)}% of the CPU; waiting for a quieter moment …`);
  }
}

async function main() {
  await ensureBuild();
  if (BUILD_ONLY) return;
  const runStarted = Date.now();
  const limit = setTimeout(() => {
    log(`time limit of ${RUN_LIMIT_MS / 60_000} min reached; stopping`);
    void cleanup().finally(() => process.exit(2));
  }, RUN_LIMIT_MS);
  limit.unref();

  await waitForQuiet();
  const tmp = mkdtempSync(path.join(os.tmpdir(), "glm-bench-"));
  const childEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } as NodeJS.ProcessEnv;
  delete childEnv.NODE_OPTIONS;

  // Stand-in upstream.
  const standin = startChild("stand-in", process.execPath, ["--import", "tsx", "bench/standin.ts"], {
    cwd: ROOT,
    env: { ...childEnv, STANDIN_WORD_DELAY_MS: String(WORD_DELAY_MS) },
    echo: VERBOSE,
  });
  const standinPort = Number((await standin.waitFor(/PORT (\d+)/, 30_000))[1]);

  // Bare pass-through.
  const passthrough = startChild("pass-through", process.execPath, ["bench/passthrough.mjs"], {
    cwd: ROOT,
    env: { ...childEnv, TARGET_PORT: String(standinPort) },
    echo: VERBOSE,
  });
  const passPort = Number((await passthrough.waitFor(/PORT (\d+)/, 30_000))[1]);

  // The gateway: `next start` of the bench build (the next CLI run directly, so the pid is the server's).
  const nextPort = await freePort();
  const profileDir = path.join(ROOT, "bench", ".profiles", new Date().toISOString().replace(/[:.]/g, "-"));
  if (PROFILE) mkdirSync(profileDir, { recursive: true });
  const serverEnv: NodeJS.ProcessEnv = {
    ...childEnv,
    NODE_ENV: "production",
    NEXT_DIST_DIR: DIST,
    PORT: String(nextPort),
    UPSTREAM_BASE_URL: `http://127.0.0.1:${standinPort}`,
    UPSTREAM_API_KEY: "bench",
    DATABASE_URL: `file:${path.join(tmp, "bench.db")}`,
    AUTH_SECRET: randomBytes(32).toString("base64url"),
    ...(SERVER_NODE_OPTIONS ? { NODE_OPTIONS: SERVER_NODE_OPTIONS } : {}),
  };
  const startNext = async (): Promise<Child> => {
    const child = startChild(
      "next start",
      process.execPath,
      [
        ...(PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : []),
        path.join(ROOT, "node_modules/next/dist/bin/next"),
        "start",
        "-p",
        String(nextPort),
        "-H",
        "127.0.0.1",
        "--keepAliveTimeout",
        "60000",
      ],
      { cwd: ROOT, env: serverEnv, echo: VERBOSE },
    );
    await waitForHealth(nextPort, "/api/health", 60_000, child);
    return child;
  };
  let next = await startNext();
  await sleep(500);
  const serverRssStartMb = mb(treeRss(next.proc.pid!).bytes);
  log(
    `stand-in :${standinPort}, pass-through :${passPort}, next start :${nextPort} (pid ${next.proc.pid}, ${serverRssStartMb.toFixed(0)} MB)`,
  );

  // An API key, through the same CLI people use (same DATABASE_URL as the server).
  const keyEnv = { ...serverEnv };
  delete keyEnv.NODE_OPTIONS;
  const keyOut = await runToEnd(
    "keys",
    "npx",
    ["tsx", "scripts/keys.ts", "create", "--name", "bench"],
    { cwd: ROOT, env: keyEnv },
    60_000,
  );
  const key = keyOut.trim().split("\n").pop()!.trim();
  if (!key.startsWith("sk-")) throw new Error(`scripts/keys.ts did not print a key:\n${keyOut}`);
  middlePid["pass-through"] = passthrough.proc.pid;
  middlePid.gateway = next.proc.pid;

  const targets: Record<PathName, Target> = {
    direct: { name: "direct", port: standinPort, path: "/chat/completions" },
    "pass-through": { name: "pass-through", port: passPort, path: "/chat/completions" },
    gateway: { name: "gateway", port: nextPort, path: "/v1/chat/completions" },
  };
  const body = requestBody(`Tell me about the sea. [words:${WORDS}]`);
  const headers: http.OutgoingHttpHeaders = {
    "content-type": "application/json",
    accept: "text/event-stream",
    authorization: `Bearer ${key}`,
    "content-length": body.length,
  };
  let agent = new http.Agent({ keepAlive: true, keepAliveMsecs: 30_000, maxSockets: 2048, maxFreeSockets: 2048 });

  // Sanity check and warm-up: every path must give complete streams before anything is counted.
  for (const p of PATHS) {
    const s = await streamOnce(targets[p], agent, body, headers, WORDS);
    if (!s.ok) throw new Error(`${p}: the first stream failed: ${s.error}`);
  }
  log("warming every path (300 streams at 16 each) …");
  for (const p of PATHS) await runRound(targets[p], agent, body, headers, 16, 300);

  const levels: LevelSummary[] = [];
  const gatewayRssByRound: number[] = [];
  const machine0 = machineTicks();
  const ours0 = treeCpuTicks(process.pid);
  for (const { concurrency, perRound } of LEVELS) {
    const paths: PathName[] = PROFILE ? ["gateway"] : PATHS;
    log(`${concurrency} streams: warm-up round, then ${ROUNDS} rounds of ${perRound} per path`);
    for (const p of paths)
      await runRound(targets[p], agent, body, headers, concurrency, Math.max(concurrency, perRound / 2));
    const rounds = { direct: [], "pass-through": [], gateway: [] } as Record<PathName, RoundStat[]>;
    for (let r = 0; r < ROUNDS; r++) {
      const order = paths.map((_, i) => paths[(i + r) % paths.length]);
      for (const p of order) {
        await sleep(150);
        const st = await runRound(targets[p], agent, body, headers, concurrency, perRound);
        rounds[p].push(st);
        if (p === "gateway") gatewayRssByRound.push(mb(treeRss(next.proc.pid!).bytes));
        if (st.errors) log(`  ${p}: ${st.errors} failed streams (first: ${st.firstError})`);
      }
      log(
        `  round ${r + 1}: ` +
          paths
            .map((p) => {
              const s = rounds[p][rounds[p].length - 1];
              return (
                `${p} ttft p50 ${f1(s.ttftP50)} p99 ${f1(s.ttftP99)}` +
                (Number.isFinite(s.cpuMsPerStream) ? ` cpu ${f2(s.cpuMsPerStream)} ms/stream` : "")
              );
            })
            .join(" | ") +
          ` | server RSS ${gatewayRssByRound[gatewayRssByRound.length - 1].toFixed(0)} MB`,
      );
    }
    levels.push({ concurrency, perRound, rounds });
  }
  agent.destroy();
  const machine1 = machineTicks();
  const foreignCpu =
    Math.max(0, machine1.busy - machine0.busy - (treeCpuTicks(process.pid) - ours0)) /
    (machine1.total - machine0.total);
  log(`other processes on the machine used ${(100 * foreignCpu).toFixed(0)}% of its CPU during the latency runs`);

  if (PROFILE) {
    await cleanup();
    const files = readdirSync(profileDir).filter((f) => f.endsWith(".cpuprofile"));
    if (!files.length) throw new Error(`no profile written to ${profileDir}`);
    for (const f of files) console.log(summariseProfile(path.join(profileDir, f), 30));
    console.log(`\nprofiles in ${path.relative(ROOT, profileDir)}`);
    rmSync(tmp, { recursive: true, force: true });
    return;
  }

  // Memory: a fresh server, warmed, then many streams held open at once.
  await sleep(1000);
  const serverRssAfterLatencyMb = mb(treeRss(next.proc.pid!).bytes);
  log(`server RSS after the latency runs: ${serverRssAfterLatencyMb.toFixed(0)} MB; restarting it for the hold test`);
  next.proc.kill("SIGTERM");
  await Promise.race([next.exited, sleep(10_000)]);
  if (next.proc.exitCode === null && next.proc.signalCode === null) next.proc.kill("SIGKILL");
  next = await startNext();
  agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  await runRound(targets.gateway, agent, body, headers, 16, 300);
  agent.destroy();
  await sleep(1000);
  const holds: HoldResult[] = [];
  log(`holding ${HOLD_STREAMS} gateway streams open (steady, then stress) …`);
  holds.push(await holdOpen("steady", targets.gateway, next.proc.pid!, headers, HOLD_STEADY, HOLD_STREAMS));
  if (Date.now() - runStarted < SOFT_BUDGET_MS - STRESS_NEEDS_MS) {
    await sleep(1000);
    holds.push(await holdOpen("stress", targets.gateway, next.proc.pid!, headers, HOLD_STRESS, HOLD_STREAMS));
  } else {
    log("skipping the stress hold: not enough of the time budget left");
  }

  await cleanup();
  rmSync(tmp, { recursive: true, force: true });
  const section = report(levels, holds, {
    date: new Date().toISOString().replace("T", " ").slice(0, 16) + " UTC",
    runSeconds: (Date.now() - runStarted) / 1000,
    foreignCpu,
    serverRssStartMb,
    serverRssAfterLatencyMb,
    gatewayRssByRound,
  });
  console.log(`\n${section}`);
  if (QUICK) log("--quick: docs/benchmarks.md left alone");
  else writeDocs(section);
}

main().then(
  () => cleanup().then(() => process.exit(0)),
  (err) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    void cleanup().finally(() => process.exit(1));
  },
);
