/**
 * Documents (`npx tsx bench/attachments.ts`): extracting the text of a 300-page PDF on the server, the way
 * POST /api/attachments does (lib/attachments/extract.ts, pdf.js in-process), target < 10 s. The PDF is made
 * here with pdf-lib: 300 A4 pages of 40 lines of prose each. Timed three times (the first includes loading
 * pdf.js); memory sampled every 10 ms: heap used and RSS above what the process held before. Also a 20 MB
 * text file (the per-message limit) and a 50-page Word document. Writes "## Documents" in docs/benchmarks.md.
 */
import { spawnSync } from "node:child_process";
import os from "node:os";
import { extractText } from "@/lib/attachments/extract";
import { makeDocx, makePdf } from "../tests/support/documents";
import { writeDocSection, writeResults } from "./lib/docs";

const PAGES = 300;
const LINES = 40;
const MB = 1024 * 1024;
const sentence = (p: number, n: number) =>
  `Page ${p}, line ${n}: the committee reviewed the quarterly figures and agreed on the next steps.`;

/** Runs `fn`, sampling memory meanwhile: wall ms, peak heap used and peak RSS above the start (MB). */
async function measure<T>(
  fn: () => Promise<T>,
): Promise<{ ms: number; cpuMs: number; heapMb: number; rssMb: number; out: T }> {
  const before = process.memoryUsage();
  let heap = before.heapUsed;
  let rss = before.rss;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    heap = Math.max(heap, m.heapUsed);
    rss = Math.max(rss, m.rss);
  }, 10);
  const t = performance.now();
  const cpu = process.cpuUsage();
  const out = await fn();
  const ms = performance.now() - t;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  clearInterval(timer);
  const m = process.memoryUsage();
  heap = Math.max(heap, m.heapUsed);
  rss = Math.max(rss, m.rss);
  return { ms, cpuMs, heapMb: (heap - before.heapUsed) / MB, rssMb: (rss - before.rss) / MB, out };
}

async function main() {
  const madeAt = performance.now();
  const pdf = await makePdf(PAGES, { lines: LINES, line: sentence });
  const makeMs = performance.now() - madeAt;
  console.log(`made a ${PAGES}-page PDF (${(pdf.byteLength / MB).toFixed(2)} MB) in ${Math.round(makeMs)} ms`);

  // pdf.js loaded once per process: by plain Node as the production server does, and here under tsx (which
  // also transpiles it), timed apart from the runs.
  const plain = spawnSync(
    process.execPath,
    [
      "-e",
      "const t=performance.now();import('pdfjs-dist/legacy/build/pdf.worker.mjs').then(()=>import('pdfjs-dist/legacy/build/pdf.mjs')).then(()=>console.log(performance.now()-t))",
    ],
    { encoding: "utf8" },
  );
  const plainLoadMs = Number(plain.stdout.trim());
  const warm = await measure(async () => extractText({ name: "one.pdf", bytes: await makePdf(1) }));
  console.log(`loaded pdf.js and read a 1-page PDF in ${Math.round(warm.ms)} ms`);
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
other work: load average ${results.loadAverage.toFixed(1)} at the end): the text of a document extracted the way \`POST /api/attachments\` does it (lib/attachments/extract.ts:
pdf.js 5.4 in-process with its worker on the same thread, mammoth for .docx, UTF-8 decoding for text). Target for a
300-page PDF: **< 10 s**.

| document | size | run | time | CPU time | heap peak (above start) | RSS peak (above start) |
|---|---|---|---|---|---|---|
${runs
  .map(
    (r, i) =>
      `| ${PAGES}-page PDF, ${LINES} lines a page | ${(pdf.byteLength / MB).toFixed(2)} MB | ${i + 1} | ${f(r.ms)} | ${f(r.cpuMs)} | ${m(r.heapMb)} | ${m(r.rssMb)} |`,
  )
  .join("\n")}
| text file | 20 MB | 1 | ${f(text.ms)} | ${f(text.cpuMs)} | ${m(text.heapMb)} | ${m(text.rssMb)} |
| Word .docx, 50 pages' worth | ${(docxBytes.byteLength / 1024).toFixed(0)} KB | 1 | ${f(docx.ms)} | ${f(docx.cpuMs)} | ${m(docx.heapMb)} | ${m(docx.rssMb)} |

Best of three for the PDF: **${f(best)}** (CPU ${f(Math.min(...runs.map((r) => r.cpuMs)))}: what one free core takes), worst ${f(Math.max(...runs.map((r) => r.ms)))} (${(runs[0].chars / 1000).toFixed(0)}K characters
of text). Loading pdf.js itself, once per process: ${f(plainLoadMs)} by plain Node (as under \`npm start\`), ${f(warm.ms)} here
under tsx, which also transpiles it. PDFs are extracted one
at a time per process (lib/attachments/reader.ts), so two large uploads at once queue instead of doubling the heap
under \`npm start\`'s 192 MB old-space limit; pages are released as they are read.
`;
  writeDocSection("Documents", section);
  console.log(section);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
