/**
 * Reasoning through the gateway: `npm run bench:reasoning` (about 3 minutes on a quiet 2-core machine, plus a
 * `next build` when .next-bench-doors is missing or older than the sources; `--build` forces one, `--render`
 * re-renders the docs from bench/results/reasoning.json).
 *
 * The same stand-in work as bench/doors.ts (16 answer words, 2 ms apart), plain and with a thinking model's
 * reasoning before the answer — as `reasoning_content` chunks (13 more chunks), and as `<think>…</think>`
 * inside `content` that the gateway splits out (18 more). Each variant straight to the stand-in ("direct")
 * and through /v1, interleaved in rounds; the gateway's added time is /v1 minus direct, per stream, at 1 and
 * 32 concurrent streams, with the app server's CPU per stream.
 */
import { readResults, writeDocSection, writeResults } from "./lib/docs";
import { clock, machine, waitForQuiet } from "./lib/load";
import { closedLoop } from "./lib/streams";
import { ensureBuild } from "./lib/build";
import { keepAliveAgent, PROMPT, type Rig, startRig } from "./doors/setup";
import { median, runBench, sleep, TICKS_PER_SECOND, treeCpuTicks } from "./support";

const argv = new Set(process.argv.slice(2));
const DIST = ".next-bench-doors";
const HEADING = "Reasoning through the gateway";
const VARIANTS = {
  plain: PROMPT,
  reasoning: `${PROMPT} [fixture:reasoning]`,
  "think-tags": `${PROMPT} [fixture:think-tags]`,
} as const;
type Variant = keyof typeof VARIANTS;
const PLAN = [
  { concurrency: 1, perRound: 24 },
  { concurrency: 32, perRound: 256 },
];
const ROUNDS = 5;

interface Cell {
  ttftP50: number;
  totalP50: number;
  cpuMsPerStream: number;
  errors: number;
}
interface Results {
  meta: { date: string; machine: string; loadBefore: number };
  levels: { concurrency: number; cells: Record<Variant, { direct: Cell; v1: Cell }> }[];
}

const log = (m: string) => process.stderr.write(`[bench:reasoning ${clock()}] ${m}\n`);

/** Content frames a complete stream has on a path (the split changes them: probed once, then expected). */
async function probeFrames(rig: Rig, path: "direct" | "v1", prompt: string): Promise<number> {
  const agent = keepAliveAgent();
  const s = await rig.one(path, agent, { prompt, expectFrames: -1 });
  agent.destroy();
  if (!Number.isFinite(s.frames) || s.frames < 1) throw new Error(`${path} ${prompt}: no content (${s.error})`);
  return s.frames;
}

async function round(rig: Rig, path: "direct" | "v1", prompt: string, frames: number, c: number, n: number) {
  const agent = keepAliveAgent();
  const pid = rig.middlePid(path);
  const t0 = pid ? treeCpuTicks(pid) : 0;
  const r = await closedLoop(c, n, () => rig.one(path, agent, { prompt, expectFrames: frames }));
  const ticks = pid ? treeCpuTicks(pid) - t0 : Number.NaN;
  agent.destroy();
  return {
    ttftP50: r.ttftP50,
    totalP50: r.totalP50,
    cpuMsPerStream: (ticks * 1000) / TICKS_PER_SECOND / n,
    errors: r.errors,
  };
}

const mid = (cells: Cell[], k: keyof Cell) => median(cells.map((c) => c[k]));

function render(r: Results): string {
  const f = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : "–");
  const lines = [
    `## ${HEADING}`,
    "",
    `\`npm run bench:reasoning\` (bench/reasoning.ts), ${r.meta.date}, ${r.meta.machine}, load ${r.meta.loadBefore.toFixed(2)} before.`,
    "The doors bench's stream (16 answer words 2 ms apart) plain, with 13 `reasoning_content` chunks before the",
    "answer, and with the reasoning as `<think>…</think>` inside `content` (split by the gateway into",
    "`reasoning_content`). Medians of 5 interleaved rounds; *added* is /v1 minus straight to the stand-in; time to",
    "first token is to the first answer token (after the reasoning).",
    "",
    "| streams | variant | direct total p50 | /v1 total p50 | added total | added TTFT | /v1 server CPU per stream |",
    "|---:|---|---:|---:|---:|---:|---:|",
  ];
  for (const level of r.levels)
    for (const [variant, { direct, v1 }] of Object.entries(level.cells))
      lines.push(
        `| ${level.concurrency} | ${variant} | ${f(direct.totalP50)} ms | ${f(v1.totalP50)} ms | ${f(v1.totalP50 - direct.totalP50)} ms | ${
          // Straight from the stand-in, the first content frame is the <think> tag itself: no answer token to compare.
          variant === "think-tags" ? "–" : `${f(v1.ttftP50 - direct.ttftP50)} ms`
        } | ${f(v1.cpuMsPerStream)} ms |`,
      );
  const at32 = r.levels.find((l) => l.concurrency === 32)?.cells;
  if (at32)
    lines.push(
      "",
      `At 32 streams reasoning costs the gateway ${f(at32.reasoning.v1.cpuMsPerStream - at32.plain.v1.cpuMsPerStream)} ms more CPU per stream than a plain`,
      `stream (${f(at32.plain.v1.cpuMsPerStream)} → ${f(at32.reasoning.v1.cpuMsPerStream)} ms: 13 more chunks to read and write), and splitting \`<think>\` out of`,
      `the content ${f(at32["think-tags"].v1.cpuMsPerStream - at32.plain.v1.cpuMsPerStream)} ms; the added time per stream stays within a few ms of the plain stream's.`,
      "CPU at 1 stream is mostly the server's idle wake-ups spread over few streams; compare at 32.",
    );
  return `${lines.join("\n")}\n`;
}

async function main() {
  if (argv.has("--render")) {
    const r = readResults<Results>("reasoning");
    if (!r) throw new Error("no bench/results/reasoning.json: run the bench first");
    writeDocSection(HEADING, render(r));
    return;
  }
  await ensureBuild(DIST, argv.has("--build"), log);
  const loadBefore = await waitForQuiet(log);
  const rig = await startRig({ dist: DIST, log });
  try {
    const frames = {} as Record<Variant, { direct: number; v1: number }>;
    for (const [variant, prompt] of Object.entries(VARIANTS) as [Variant, string][])
      frames[variant] = { direct: await probeFrames(rig, "direct", prompt), v1: await probeFrames(rig, "v1", prompt) };
    log(`content frames per stream: ${JSON.stringify(frames)}`);
    log("warming (200 streams per variant through /v1 at 16)…");
    for (const [variant, prompt] of Object.entries(VARIANTS) as [Variant, string][])
      await round(rig, "v1", prompt, frames[variant].v1, 16, 200);
    const levels: Results["levels"] = [];
    for (const { concurrency, perRound } of PLAN) {
      const cells = {} as Record<Variant, { direct: Cell[]; v1: Cell[] }>;
      for (const v of Object.keys(VARIANTS) as Variant[]) cells[v] = { direct: [], v1: [] };
      for (let r = 0; r < ROUNDS; r++) {
        const order = (Object.keys(VARIANTS) as Variant[]).flatMap((v) =>
          (["direct", "v1"] as const).map((p) => [v, p] as const),
        );
        for (const [v, p] of order.map((_, i) => order[(i + r) % order.length])) {
          await sleep(150);
          const c = await round(rig, p, VARIANTS[v], frames[v][p], concurrency, perRound);
          if (c.errors) log(`  ${v} ${p}: ${c.errors} failed streams`);
          cells[v][p].push(c);
        }
        log(`  ${concurrency} streams, round ${r + 1} done`);
      }
      const summary = {} as Record<Variant, { direct: Cell; v1: Cell }>;
      for (const v of Object.keys(VARIANTS) as Variant[]) {
        const pick = (p: "direct" | "v1"): Cell => ({
          ttftP50: mid(cells[v][p], "ttftP50"),
          totalP50: mid(cells[v][p], "totalP50"),
          cpuMsPerStream: mid(cells[v][p], "cpuMsPerStream"),
          errors: cells[v][p].reduce((s, c) => s + c.errors, 0),
        });
        summary[v] = { direct: pick("direct"), v1: pick("v1") };
      }
      levels.push({ concurrency, cells: summary });
    }
    const results: Results = {
      meta: { date: new Date().toISOString().slice(0, 16).replace("T", " "), machine: machine(), loadBefore },
      levels,
    };
    writeResults("reasoning", results);
    writeDocSection(HEADING, render(results));
    console.log(render(results));
  } finally {
    await rig.close();
  }
}

runBench(main);
