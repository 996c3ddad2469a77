/**
 * Documents (`npx tsx bench/attachments.ts`): extracting the text of a 300-page PDF on the server, the way
 * POST /api/attachments does (lib/attachments/extract.ts: PDFs and Word files in a reader process of their own,
 * lib/attachments/reader.ts), target < 10 s. The PDF is made here with pdf-lib: 300 A4 pages of 40 lines of
 * prose each. Timed three times; CPU is this process's and its reader's together (the reader's from
 * /proc/self/stat's children's times once it has exited), memory the reader process's peak RSS, sampled every
 * 10 ms. Also a 20 MB text file (the per-message limit, read in this process) and a 50-page Word document.
 * Writes "## Documents" in docs/benchmarks.md.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import { extractText } from "@/lib/attachments/extract";
import { makeDocx, makePdf } from "../tests/support/documents";
import { writeDocSection, writeResults } from "./lib/docs";

const PAGES = 300;
const LINES = 40;
const MB = 1024 * 1024;
const TICK_MS = 1000 / 100; // USER_HZ
const sentence = (p: number, n: number) =>
  `Page ${p}, line ${n}: the committee reviewed the quarterly figures and agreed on the next steps.`;

/** CPU ms of this process's children that have exited (cutime + cstime). */
function childrenCpuMs(): number {
  const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
  return (Number(fields[13]) + Number(fields[14])) * TICK_MS;
}

/**
 * The RSS (MB) of the reader process running now, 0 when none. Its pid is looked up in /proc once per reader
 * (scanning /proc every 10 ms cost this process more CPU than the read itself).
 */
let readerPid: string | null = null;
function readerRssMb(): number {
  const rssOf = (pid: string) => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      if (Number(/PPid:\s+(\d+)/.exec(status)?.[1]) !== process.pid) return null;
      // Not tsx's own esbuild, also a child of this process.
      if (!readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("read-document.mjs")) return null;
      return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
    } catch {
      return null;
    }
  };
  if (readerPid) {
    const rss = rssOf(readerPid);
    if (rss !== null) return rss;
    readerPid = null;
  }
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid) || Number(pid) <= process.pid) continue;
    const rss = rssOf(pid);
    if (rss !== null) {
      readerPid = pid;
      return rss;
    }
  }
  return 0;
}

/** Runs `fn`, sampling memory meanwhile: wall ms, CPU ms (with the reader's), peak heap above the start here
 * and the reader process's peak RSS (MB). */
async function measure<T>(
  fn: () => Promise<T>,
): Promise<{ ms: number; cpuMs: number; heapMb: number; rssMb: number; out: T }> {
  const before = process.memoryUsage();
  let heap = before.heapUsed;
  let readerRss = 0;
  const timer = setInterval(() => {
    heap = Math.max(heap, process.memoryUsage().heapUsed);
    readerRss = Math.max(readerRss, readerRssMb());
  }, 10);
  const t = performance.now();
  const cpu = process.cpuUsage();
  const childCpu = childrenCpuMs();
  const out = await fn();
  const ms = performance.now() - t;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000 + (childrenCpuMs() - childCpu);
  clearInterval(timer);
  heap = Math.max(heap, process.memoryUsage().heapUsed);
  return { ms, cpuMs, heapMb: (heap - before.heapUsed) / MB, rssMb: readerRss, out };
}

async function main() {
  const madeAt = performance.now();
  const pdf = await makePdf(PAGES, { lines: LINES, line: sentence });
  const makeMs = performance.now() - madeAt;
  console.log(`made a ${PAGES}-page PDF (${(pdf.byteLength / MB).toFixed(2)} MB) in ${Math.round(makeMs)} ms`);

  // pdf.js as each reader process loads it (plain Node), timed apart from the runs.
  const plain = spawnSync(
    process.execPath,
    [
      "-e",
      "const t=performance.now();import('pdfjs-dist/legacy/build/pdf.worker.mjs').then(()=>import('pdfjs-dist/legacy/build/pdf.mjs')).then(()=>console.log(performance.now()-t))",
    ],
    { encoding: "utf8" },
  );
  const plainLoadMs = Number(plain.stdout.trim());
  const onePage = await makePdf(1);
  const warm = await measure(() => extractText({ name: "one.pdf", bytes: onePage }));
  console.log(`read a 1-page PDF (a reader process started, pdf.js loaded) in ${Math.round(warm.ms)} ms`);
  const runs = [];
  for (let i = 0; i < 3; i++) {
    const r = await measure(() => extractText({ name: "report.pdf", bytes: pdf }));
    if (r.out.pages !== PAGES) throw new Error(`expected ${PAGES} pages, got ${r.out.pages}`);
    runs.push({ ms: r.ms, cpuMs: r.cpuMs, heapMb: r.heapMb, rssMb: r.rssMb, chars: r.out.text.length });
    console.log(
      `run ${i + 1}: ${(r.ms / 1000).toFixed(2)} s (CPU ${(r.cpuMs / 1000).toFixed(2)} s), heap +${r.heapMb.toFixed(0)} MB, RSS +${r.rssMb.toFixed(0)} MB`,
    );
  }
  const text = await measure(() => extractText({ name: "big.txt", bytes: new Uint8Array(20 * MB - 1).fill(0x61) }));
  const docxBytes = await makeDocx(
    Array.from({ length: 50 * LINES }, (_, i) => sentence(Math.floor(i / LINES) + 1, (i % LINES) + 1)),
  );
  const docx = await measure(() => extractText({ name: "memo.docx", bytes: docxBytes }));

  const best = Math.min(...runs.map((r) => r.ms));
  const results = {
    when: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    loadMs: warm.ms,
    plainLoadMs,
    loadAverage: os.loadavg()[0],
    pdf: { pages: PAGES, lines: LINES, bytes: pdf.byteLength, runs },
    text20mb: { ms: text.ms, cpuMs: text.cpuMs, heapMb: text.heapMb, rssMb: text.rssMb },
    docx50: { bytes: docxBytes.byteLength, ms: docx.ms, cpuMs: docx.cpuMs, heapMb: docx.heapMb, rssMb: docx.rssMb },
  };
  writeResults("attachments", results);
  const f = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const m = (mb: number) => `${Math.max(0, mb).toFixed(0)} MB`;
  const section = `## Documents

\`npx tsx bench/attachments.ts\` (${results.when.slice(0, 10)}, Node ${process.version}, ${results.cpus} cores shared with
other work: load average ${results.loadAverage.toFixed(1)} at the end): the text of a document extracted the way \`POST /api/attachments\` does it (lib/attachments/extract.ts):
a PDF (pdf.js 5.4) or a Word .docx (mammoth) in a reader process of its own, started per document with a 256 MB heap and a
minute (lib/attachments/reader.ts), UTF-8 text decoded in the server's own process. Target for a 300-page PDF: **< 10 s**.
CPU time is the server's and the reader's together; "reader RSS" is the reader process's peak (the server holds none of
the document's parse).

| document | size | run | time | CPU time | heap peak here (above start) | reader RSS peak |
|---|---|---|---|---|---|---|
${runs
  .map(
    (r, i) =>
      `| ${PAGES}-page PDF, ${LINES} lines a page | ${(pdf.byteLength / MB).toFixed(2)} MB | ${i + 1} | ${f(r.ms)} | ${f(r.cpuMs)} | ${m(r.heapMb)} | ${m(r.rssMb)} |`,
  )
  .join("\n")}
| text file (read here, no reader) | 20 MB | 1 | ${f(text.ms)} | ${f(text.cpuMs)} | ${m(text.heapMb)} | – |
| Word .docx, 50 pages' worth | ${(docxBytes.byteLength / 1024).toFixed(0)} KB | 1 | ${f(docx.ms)} | ${f(docx.cpuMs)} | ${m(docx.heapMb)} | ${m(docx.rssMb)} |

Best of three for the PDF: **${f(best)}** (CPU ${f(Math.min(...runs.map((r) => r.cpuMs)))}: what one free core takes), worst ${f(Math.max(...runs.map((r) => r.ms)))} (${(runs[0].chars / 1000).toFixed(0)}K characters
of text). A 1-page PDF takes ${f(warm.ms)}: what every document pays for its reader (a Node process started, and pdf.js
loaded in it: ${f(plainLoadMs)} of that by plain Node). Documents are read one at a time per server, so two large uploads
at once queue rather than run two readers; a file that inflates past the reader's heap (a 180 KB .docx of 60 MB of XML)
or reads for over a minute kills only its reader and is refused by name, where read on the server's own thread it had
stopped the server (thirtieth session). What that costs: read in the server's own process (2026-11-26), the same PDF
took 1.54 s the first time and 1.22 s (CPU 1.31 s) once pdf.js was warm; now every document meets a cold pdf.js in a
new process, about twice the CPU. A reader kept warm for a few seconds between documents would win most of it back.
`;
  writeDocSection("Documents", section);
  console.log(section);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
