/**
 * Usage-report benchmark: `npm run bench:usage` (= `tsx bench/usage.ts`). About 1–3 minutes on SQLite, 2–3 on
 * PostgreSQL. Target: every usage query < 50 ms with 1,000,000 ledger rows.
 *
 *   npm run bench:usage                  seed 1,000,000 ledger rows in SQLite, measure, keep the results in
 *                                        bench/results/usage.json and render docs/benchmarks.md (## Usage reports)
 *   npm run bench:usage -- --rows 100000 a smaller data set: printed only, unless --write
 *   npm run bench:usage -- --keep        keep the temp dir with the seeded database (path printed)
 *   npm run bench:usage -- --postgres    the same on PostgreSQL: a throw-away server from scripts/postgres.mjs, or
 *                                        BENCH_DATABASE_URL's server (a fresh database is created there and
 *                                        dropped); bench/results/usage-postgres.json, ## Usage reports on PostgreSQL
 *   npm run bench:usage -- --render      render both docs sections again from the kept results, without running
 *
 * The data set (bench/usage/data.ts): one user (a personal instance) owns every ledger row, 3 API keys + the
 * chat UI, 6 models, spread uniformly over the last 90 days. The scenarios: bench/usage/sqlite.ts (with the
 * query plans and a prototype of a fix, bench/usage/prototype.ts) and bench/usage/postgres.ts, both timing the
 * app's own report functions (bench/usage/reports.ts) in-process on one warm connection, then recordUsage per
 * call. Their sections: bench/usage/render-sqlite.ts and render-postgres.ts.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { readResults, resultsFile, writeDocSection, writeResults } from "./lib/docs";
import { log } from "./usage/data";
import type { PostgresResults } from "./usage/postgres";
import { renderPostgres } from "./usage/render-postgres";
import { renderSqlite } from "./usage/render-sqlite";
import type { SqliteResults } from "./usage/sqlite";

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const KNOWN = ["--rows", "--write", "--keep", "--postgres", "--render", "--help"];

const engines = {
  sqlite: { results: "usage", heading: "Usage reports", render: renderSqlite },
  postgres: { results: "usage-postgres", heading: "Usage reports on PostgreSQL", render: renderPostgres },
} as const;

function usage(): string {
  const doc = readFileSync(__filename, "utf8").match(/\/\*\*([\s\S]*?)\*\//)![1];
  return doc.replace(/^ \* ?/gm, "").trim();
}

/** Keeps a run's results and renders its section from them (what --render does again later). */
function publish<T>(engine: keyof typeof engines, results: T | undefined, write: boolean) {
  const e = engines[engine] as { results: string; heading: string; render: (r: T) => string };
  const kept = results ?? readResults<T>(e.results, { nullAsNaN: false });
  if (!kept)
    return log(`no ${path.relative(process.cwd(), resultsFile(e.results))} yet: nothing to render for ## ${e.heading}`);
  const section = e.render(kept);
  console.log(`\n${section}`);
  if (!write) return log("smaller data set: docs/benchmarks.md left alone (pass --write to write anyway)");
  if (results) log(`kept the results in ${writeResults(e.results, results)}`);
  log(`wrote ${writeDocSection(e.heading, section)} (## ${e.heading})`);
}

async function main() {
  const unknown = args.filter((a, i) => a.startsWith("--") && !KNOWN.includes(a) && args[i - 1] !== "--rows");
  if (flag("--help") || unknown.length) {
    console.log(usage());
    process.exit(unknown.length ? 2 : 0);
  }
  if (flag("--render")) {
    publish<SqliteResults>("sqlite", undefined, true);
    publish<PostgresResults>("postgres", undefined, true);
    return;
  }
  const rows = Number(args[args.indexOf("--rows") + 1]) || 1_000_000;
  const write = rows === 1_000_000 || flag("--write");
  const keep = flag("--keep");
  if (flag("--postgres") || process.env.BENCH_DATABASE_URL) {
    const { benchPostgres } = await import("./usage/postgres");
    const results = await benchPostgres({ serverUrl: process.env.BENCH_DATABASE_URL, rows, keep });
    publish("postgres", results, write);
  } else {
    const { benchSqlite } = await import("./usage/sqlite");
    publish("sqlite", await benchSqlite({ rows, keep }), write);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
