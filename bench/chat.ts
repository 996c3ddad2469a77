/**
 * Chat-side benchmark: `npm run bench:chat` (= `tsx bench/chat.ts`). About 4–8 minutes on SQLite (longer on a busy
 * machine), including a `next build` of ~1–2 min when .next-chatbench is missing or older than the sources.
 *
 *   npm run bench:chat                   SQLite: seed, measure the queries in-process, build .next-chatbench if needed,
 *                                        time the conversation page, write docs/benchmarks.md (## Chat app)
 *   npm run bench:chat -- --postgres     the same on a throw-away PostgreSQL 15 (scripts/postgres.mjs, or a fresh
 *                                        database on TEST_DATABASE_URL's server); writes ## Chat app on PostgreSQL
 *   npm run bench:chat -- --postgres --unpaired   without the paired SQLite server (by default --postgres also loads
 *                                        the data set into SQLite and times both pages in alternation)
 *   npm run bench:chat -- --build        rebuild .next-chatbench first
 *   npm run bench:chat -- --no-page      queries only (no build, no server); docs left alone
 *   npm run bench:chat -- --only search  the search queries only (no sidebar, no listMessages, no page); docs left alone,
 *                                        the section printed instead (for working on search: ~1 min on PostgreSQL)
 *   npm run bench:chat -- --keep         keep the temp dir / PostgreSQL with the seeded database (path / URL printed)
 *
 * Data set (bench/chat/seed.ts; text from bench/corpus.ts): user A owns 5,000 conversations with 100,000 messages
 * (English, Chinese and Japanese; updated over the last 120 days) plus one conversation of 1,000 messages; user B
 * owns 500 conversations with 10,000 messages, some matching the same searches, so owner filtering matters.
 * SQLite: a fresh file migrated by the app (FTS5 tables and triggers); PostgreSQL: COPY (bench/chat/seed-pg.ts).
 * DATABASE_URL is set before any project module is imported (they are loaded with import()).
 *
 * Measured (bench/chat/queries.ts) in-process, calling the app's query functions as the server does, after warm-up:
 * listConversations (first page, and a page after 4,000 rows), searchConversations for several queries incl.
 * 2-character CJK, listMessages of the 1,000-message conversation, with their plans (EXPLAIN QUERY PLAN; on
 * PostgreSQL EXPLAIN (ANALYZE, BUFFERS) and the server's execution time). SQLite only: the server rendering of
 * that conversation's markdown, in parts (bench/chat/render.ts). Then (bench/chat/page.ts) `next start` of a
 * production build on the same database: sign in over HTTP and time GET /chat/<id>, with the server's CPU.
 *
 * Targets (from the issue): sidebar and search < 20 ms with 5,000 conversations / 100,000 messages; a
 * 1,000-message conversation opens in < 150 ms server time.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type Database from "better-sqlite3";
import { killChildrenNow, replaceDocSection, stopChildren } from "./support";
import { ROOT } from "./lib/build";
import { serialAgent } from "./lib/http";
import { clock, loadMeter, ms } from "./lib/load";
import { startPostgres, type BenchPg } from "./lib/pg";
import { postgresEngine, sqliteEngine } from "./chat/engine";
import { measurePages, type PageResult } from "./chat/page";
import { measureQueries } from "./chat/queries";
import { diagnoseRender } from "./chat/render";
import { renderPgSection, PG_HEADING } from "./chat/report-pg";
import { renderSection } from "./chat/report-sqlite";
import { makeDataSet, writeSqlite, type Seeded } from "./chat/seed";
import { writePostgres } from "./chat/seed-pg";
import { TARGET_PAGE_MS, verdictOf } from "./chat/types";

const args = process.argv.slice(2);
const argv = new Set(args);
const FORCE_BUILD = argv.has("--build");
/** --only search: measure only the search queries (implies --no-page). */
const ONLY = args.includes("--only") ? args[args.indexOf("--only") + 1] : undefined;
if (ONLY !== undefined && ONLY !== "search") {
  console.error(`bench:chat: --only takes "search" (got ${JSON.stringify(ONLY)})`);
  process.exit(2);
}
const NO_PAGE = argv.has("--no-page") || ONLY === "search";
const KEEP = argv.has("--keep");
const POSTGRES = argv.has("--postgres");
/** --postgres: also load the same data set into a SQLite file and time both pages in alternation (paired). */
const PAIRED = POSTGRES && !argv.has("--unpaired");
/** Hard bound on the whole run; everything is killed after this. */
const RUN_LIMIT_MS = 25 * 60_000;

const log = (msg: string) => console.log(`[bench:chat${POSTGRES ? " pg" : ""} ${clock()}] ${msg}`);

let tmpDir: string | undefined;
let pg: BenchPg | undefined;

/** Synchronous last resort: kill the server or build, stop PostgreSQL, drop the temp dir. */
function cleanupNow() {
  killChildrenNow();
  if (!KEEP) {
    pg?.stop();
    if (tmpDir) rmSync(tmpDir, { recursive: true, force: true });
  }
}

async function main() {
  const runStarted = Date.now();
  const authSecret = randomBytes(32).toString("base64url");
  // Before any project module is loaded: config() reads these once.
  process.env.AUTH_SECRET = authSecret;
  // React's production build, as in `next start` (the development build renders several times slower).
  (process.env as Record<string, string>).NODE_ENV = "production";
  let databaseUrl: string;
  if (POSTGRES) {
    pg = await startPostgres(log);
    databaseUrl = pg.url;
  } else {
    tmpDir = mkdtempSync(path.join(os.tmpdir(), "chat-bench-"));
    databaseUrl = `file:${path.join(tmpDir, "chat-bench.db")}`;
  }
  process.env.DATABASE_URL = databaseUrl;
  log(`database: ${databaseUrl}`);
  const watchdog = setTimeout(() => {
    console.error(`bench:chat: still running after ${RUN_LIMIT_MS / 60_000} min; giving up`);
    cleanupNow();
    process.exit(2);
  }, RUN_LIMIT_MS);
  watchdog.unref();

  const { getDb, closeDb } = await import("@/db");
  const { hashPassword } = await import("@/lib/auth/password");
  const { titleFrom } = await import("@/lib/chat/title");
  const { DEFAULT_MODELS } = await import("@/lib/models");
  const { indexBacklog } = await import("@/db/engines/search-backlog-sqlite");
  const db = getDb();
  const t0 = performance.now();
  const data = await makeDataSet(
    DEFAULT_MODELS.filter((m) => m.enabled).map((m) => m.id),
    titleFrom,
    hashPassword,
  );
  log(
    `generated ${data.conversations.length.toLocaleString("en")} conversations, ${data.messages.length.toLocaleString("en")} messages in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const { users: _u, conversations: _c, messages: _m, ...known } = data;
  let s: Seeded;
  let pgSeed: Awaited<ReturnType<typeof writePostgres>> | undefined;
  if (POSTGRES) {
    pgSeed = await writePostgres(databaseUrl, data, log);
    s = { ...known, seedSeconds: (performance.now() - t0) / 1000, dbBytes: pgSeed.dbBytes, how: "COPY" };
  } else {
    // The app's own connection (drizzle keeps it as $client): openDatabase has run the migrations, FTS5 included.
    const sqlite = (db as typeof db & { $client: Database.Database }).$client;
    if (typeof sqlite?.prepare !== "function") throw new Error("getDb().$client is not a better-sqlite3 handle");
    writeSqlite(sqlite, data, indexBacklog);
    s = {
      ...known,
      seedSeconds: (performance.now() - t0) / 1000,
      dbBytes: statSync(databaseUrl.slice(5)).size,
      how: "better-sqlite3",
    };
  }
  log(`seeded in ${s.seedSeconds.toFixed(1)} s; database ${(s.dbBytes / 2 ** 20).toFixed(0)} MiB`);

  const engine = POSTGRES
    ? await postgresEngine(databaseUrl)
    : await sqliteEngine((db as typeof db & { $client: Database.Database }).$client);
  const queryLoad = loadMeter();
  const { rows, userText } = await measureQueries(db, engine, s, log, { onlySearch: ONLY === "search" });
  const queryOtherLoad = queryLoad.read();
  log(`other processes used ${(queryOtherLoad * 100).toFixed(0)}% of the machine's CPU during the query runs`);

  const render = POSTGRES
    ? undefined
    : await diagnoseRender(
        await engine.all<{ role: string; content: string }>(
          "select role, content from messages where conversation_id = ? order by seq",
          [s.bigId],
        ),
      );
  if (render) {
    log(
      `server render of the ${render.assistantMessages} assistant messages (in-process, CPU): app <Markdown> ` +
        `${ms(render.appMarkdownMs)} ms; react-markdown + remark-gfm without highlighting ${ms(render.noHighlightMs)} ms; ` +
        `rehype-highlight attacher × ${render.assistantMessages} ${ms(render.highlightSetupMs)} ms; newest 50 messages ` +
        `${ms(render.newest50Ms)} ms`,
    );
  }
  let pages: PageResult[] = [];
  if (!NO_PAGE) {
    const databases = [{ label: POSTGRES ? "PostgreSQL" : "SQLite", url: databaseUrl }];
    if (PAIRED) {
      // The same rows in a SQLite file, for a paired page comparison under the same load.
      tmpDir = mkdtempSync(path.join(os.tmpdir(), "chat-bench-"));
      const file = path.join(tmpDir, "paired.db");
      const { openDatabase } = await import("@/db");
      const paired = openDatabase(file) as typeof db & { $client: Database.Database };
      writeSqlite(paired.$client, data, indexBacklog);
      paired.$client.close();
      log(`paired SQLite copy of the data set: ${file}`);
      databases.push({ label: "SQLite (paired)", url: `file:${file}` });
    }
    pages = await measurePages(databases, s, authSecret, FORCE_BUILD, log);
  }
  const page = pages[0];
  const version = POSTGRES
    ? String((await engine.all<{ v: string }>("select version() as v", []))[0].v).replace(/ on .*/, "")
    : "";
  await engine.close();
  await closeDb();

  const runSeconds = (Date.now() - runStarted) / 1000;
  if (POSTGRES) {
    if (page)
      replaceDocSection(
        ROOT,
        PG_HEADING,
        renderPgSection(s, pgSeed!, rows, pages, runSeconds, queryOtherLoad, version),
      );
    else console.log(renderPgSection(s, pgSeed!, rows, pages, runSeconds, queryOtherLoad, version));
  } else if (page && render) {
    replaceDocSection(ROOT, "Chat app", renderSection(s, rows, page, runSeconds, queryOtherLoad, userText, render));
  }
  log(
    page
      ? `wrote docs/benchmarks.md (## ${POSTGRES ? PG_HEADING : "Chat app"})`
      : "--no-page: docs/benchmarks.md left alone",
  );

  for (const r of rows.filter((r) => verdictOf(r) !== "met" || r.why)) {
    log(
      `target missed or close: ${r.name}: wall p95 ${ms(r.s.p95)} ms, CPU p95 ${ms(r.cpu.p95)} ms` +
        (r.serverMs !== undefined ? `, server ${ms(r.serverMs)} ms` : "") +
        ` (target ${r.target} ms)\n${r.why ?? ""}\nplan:\n${r.plan}`,
    );
  }
  if (page && page.big.total.p50 >= TARGET_PAGE_MS) {
    log(
      `target missed: GET /chat/<1,000 messages> median ${ms(page.big.total.p50)} ms (target ${TARGET_PAGE_MS} ms); ` +
        `server CPU ${ms(page.big.serverCpuMs)} ms per request`,
    );
  }
  if (KEEP) log(`kept ${databaseUrl}`);
}

process.on("exit", cleanupNow);
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    cleanupNow();
    process.exit(130);
  });
}

main().then(
  async () => {
    await stopChildren();
    serialAgent.destroy();
    process.exit(0);
  },
  async (err) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    await stopChildren();
    process.exit(1);
  },
);
