/**
 * The page-load cost of the i18n library (issue 10): the first-load JavaScript of /login and of the chat (/)
 * on a build of the commit before next-intl (c95c065) and on this tree, as the sum of the gzip sizes of the
 * scripts the page loads in Chromium (the server sends them uncompressed: next.config.mjs `compress: false`,
 * so each body is gzipped here, level 6, as a reverse proxy would). The HTML document is measured too: it
 * carries the catalogue (the reader's language only) in its inline RSC payload.
 *
 *   npx tsx bench/i18n-bundle.ts [--build] [--base <commit>] [--docs-only]
 *
 * The base commit's tree is unpacked under tmp/ (git-ignored, outside tsc) without its lockfile, so its build
 * resolves this tree's node_modules and Turbopack takes this tree as its root.
 */
import { chromium, type Page } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { ensureBuild, NEXT_BIN, ROOT } from "./lib/build";
import { readResults, writeDocSection, writeResults } from "./lib/docs";
import { freePort, runBench, runToEnd, startChild, waitForHealth } from "./lib/processes";

const args = process.argv.slice(2);
const BASE = args.includes("--base") ? args[args.indexOf("--base") + 1] : "c95c065";
const FORCE = args.includes("--build");
const DIST = ".next-bench-i18n";
const log = (m: string) => console.log(`[i18n-bundle] ${m}`);
const kb = (bytes: number) => (bytes / 1024).toFixed(1);

interface PageCost {
  scripts: number;
  jsRaw: number;
  jsGzip: number;
  htmlRaw: number;
  htmlGzip: number;
}
type Costs = Record<"login" | "chat", PageCost>;

/** The base commit's tree, unpacked once per commit, and built into DIST there. */
async function baseBuild(): Promise<string> {
  const dir = path.join(ROOT, "tmp", `i18n-base-${BASE}`);
  if (!existsSync(path.join(dir, "package.json"))) {
    mkdirSync(dir, { recursive: true });
    const tar = execFileSync("git", ["archive", "--format=tar", BASE], { cwd: ROOT, maxBuffer: 1 << 30 });
    execFileSync("tar", ["-x", "-C", dir], { input: tar });
    // No lockfile: Turbopack then roots the build at this tree, whose node_modules the base resolves.
    rmSync(path.join(dir, "package-lock.json"), { force: true });
  }
  // Paths written relative to the tree (the layout's self-hosted font) find this tree's packages.
  if (!existsSync(path.join(dir, "node_modules")))
    symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
  if (FORCE || !existsSync(path.join(dir, DIST, "BUILD_ID"))) {
    log(`building ${BASE} in ${path.relative(ROOT, dir)} …`);
    await runToEnd(
      "next build (base)",
      process.execPath,
      [NEXT_BIN, "build"],
      {
        cwd: dir,
        env: { ...process.env, NEXT_DIST_DIR: DIST, NEXT_TELEMETRY_DISABLED: "1" },
      },
      15 * 60_000,
    );
  }
  return dir;
}

/** `next start` of the build in `cwd`, on a fresh SQLite database, in demo mode (no upstream needed). */
async function serve(cwd: string, name: string) {
  const port = await freePort();
  const data = mkdtempSync(path.join(tmpdir(), "i18n-bundle-"));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    NEXT_DIST_DIR: DIST,
    NEXT_TELEMETRY_DISABLED: "1",
    DATABASE_URL: `file:${path.join(data, "app.db")}`,
    AUTH_SECRET: "bench-i18n-bundle-secret-0123456789abcdef",
  };
  delete env.NODE_OPTIONS;
  delete env.UPSTREAM_API_KEY;
  const child = startChild(name, process.execPath, [NEXT_BIN, "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd,
    env,
  });
  await waitForHealth(port, "/api/health", 90_000, child);
  return { url: `http://127.0.0.1:${port}`, child, data };
}

/** Loads `url` afresh and sums the scripts it fetched (each URL once) and its HTML, raw and gzipped. */
async function measure(page: Page, url: string): Promise<PageCost> {
  const bodies = new Map<string, Promise<Buffer | null>>();
  const onResponse = (res: import("@playwright/test").Response) => {
    if (res.request().resourceType() === "script" && !bodies.has(res.url()))
      bodies.set(
        res.url(),
        res.body().catch(() => null),
      );
  };
  page.on("response", onResponse);
  const doc = await page.goto(url, { waitUntil: "networkidle" });
  page.off("response", onResponse);
  const html = (await doc?.body()) ?? Buffer.alloc(0);
  const scripts = (await Promise.all(bodies.values())).filter((b): b is Buffer => b !== null);
  return {
    scripts: scripts.length,
    jsRaw: scripts.reduce((s, b) => s + b.length, 0),
    jsGzip: scripts.reduce((s, b) => s + gzipSync(b, { level: 6 }).length, 0),
    htmlRaw: html.length,
    htmlGzip: gzipSync(html, { level: 6 }).length,
  };
}

/** /login signed out, then the chat (/) after signing up through the form (English: the browser asks for it). */
async function costsOf(cwd: string, name: string): Promise<Costs> {
  const server = await serve(cwd, name);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
  });
  try {
    const context = await browser.newContext({ locale: "en-US", timezoneId: "UTC" });
    const page = await context.newPage();
    const login = await measure(page, `${server.url}/login`);
    await page.goto(`${server.url}/register`);
    await page.getByLabel("Email", { exact: true }).fill(`bench-${Date.now()}@example.com`);
    await page.getByLabel("Password", { exact: true }).fill("correct horse battery staple");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByRole("textbox", { name: "Message", exact: true }).waitFor({ timeout: 30_000 });
    const chat = await measure(page, `${server.url}/`);
    return { login, chat };
  } finally {
    await browser.close();
    server.child.proc.kill("SIGTERM");
    await server.child.exited;
    rmSync(server.data, { recursive: true, force: true });
  }
}

function commitOf(ref: string): string {
  return execFileSync("git", ["rev-parse", "--short", ref], { cwd: ROOT, encoding: "utf8" }).trim();
}

interface Row {
  page: string;
  before: PageCost;
  after: PageCost;
  addedJsGzip: number;
  addedHtmlGzip: number;
}
interface Results {
  base: string;
  head: string;
  at: string;
  rows: Row[];
}

/** The docs section, from the results (`--docs-only` re-renders it from bench/results/i18n-bundle.json). */
function render({ base, head, at, rows }: Results): string {
  const [login, chat] = rows;
  const table = rows
    .map(
      (r) =>
        `| ${r.page} | ${r.before.scripts} → ${r.after.scripts} | ${kb(r.before.jsGzip)} | ${kb(r.after.jsGzip)} | ` +
        `**+${kb(r.addedJsGzip)}** | ${kb(r.before.htmlGzip)} → ${kb(r.after.htmlGzip)} (+${kb(r.addedHtmlGzip)}) |`,
    )
    .join("\n");
  const verdict = (bytes: number) => (bytes < 30 * 1024 ? "within" : "over");
  return `## i18n page-load cost

\`npx tsx bench/i18n-bundle.ts\` (${at.slice(0, 10)}): the first-load JavaScript of a page on a production build
of ${base} (before next-intl) and of ${head} (next-intl 4, three catalogues), loaded in Chromium, English, signed
out for /login and signed in for the chat; the sum of the gzip sizes (level 6) of every script the page fetched.
Target: under 30 KB gzip added.

| page | scripts | JS gzip before (KB) | JS gzip after (KB) | added (KB) | HTML gzip (KB) |
|---|---|---|---|---|---|
${table}

Reading: both pages add about the same, **+${kb(Math.max(login.addedJsGzip, chat.addedJsGzip))} KB at most**, ${verdict(
    Math.max(login.addedJsGzip, chat.addedJsGzip),
  )} the target: next-intl's client (provider, \`useTranslations\`, \`useFormatter\`, the ICU message formatter
intl-messageformat) and the components' calls. The Language select is a native \`<select>\`: as a Radix Select
it was the first one on /login and made that page +44.1 KB (measured on c3a8b13; the chat page, which already had
the model picker's Radix Select, was +12.5 KB then too). The catalogue is not JavaScript: the layout hands the
reader's language only (less the server-only namespaces: page titles, the demo notice) to the client in the
page's RSC payload, which is why the HTML grows by about 4 KB gzip; the other two languages never reach the browser.
`;
}

runBench(async () => {
  if (args.includes("--docs-only")) {
    const results = readResults<Results>("i18n-bundle", { nullAsNaN: false });
    if (!results) throw new Error("no bench/results/i18n-bundle.json: run the bench first");
    log(`written to ${path.relative(ROOT, writeDocSection("i18n page-load cost", render(results)))}`);
    return;
  }
  const baseDir = await baseBuild();
  await ensureBuild(DIST, FORCE, log);
  log("measuring the base build …");
  const before = await costsOf(baseDir, `base ${BASE}`);
  log("measuring this tree's build …");
  const after = await costsOf(ROOT, "this tree");
  const rows: Row[] = (["login", "chat"] as const).map((p) => ({
    page: p === "login" ? "/login" : "/ (chat)",
    before: before[p],
    after: after[p],
    addedJsGzip: after[p].jsGzip - before[p].jsGzip,
    addedHtmlGzip: after[p].htmlGzip - before[p].htmlGzip,
  }));
  const results: Results = { base: commitOf(BASE), head: commitOf("HEAD"), at: new Date().toISOString(), rows };
  writeResults("i18n-bundle", results);
  for (const r of rows)
    log(`${r.page}: JS gzip ${kb(r.before.jsGzip)} → ${kb(r.after.jsGzip)} KB (+${kb(r.addedJsGzip)})`);
  log(`written to ${path.relative(ROOT, writeDocSection("i18n page-load cost", render(results)))}`);
});
