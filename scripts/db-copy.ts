/**
 * npm run db:copy -- --from file:./data/app.db --to postgres://user@host/db
 *
 * Moves a SQLite installation to PostgreSQL: copies every table of db/schema.ts into an empty PostgreSQL
 * database that `npm run db:migrate` has brought to the latest migration (it refuses one that is not
 * migrated, or that holds any row already, but for the model catalogue an instance seeds at its start, which is
 * replaced by the file's). Stop the app first; the SQLite file is opened read-only and
 * read in one snapshot, so a copy is consistent even if something still writes to it.
 *
 * - Tables in foreign-key order, in batches, streaming the rows (a ledger of millions never sits in memory),
 *   all in one PostgreSQL transaction: a failed copy leaves the target empty, ready for another try.
 * - Ids and `seq` values are kept (cursors and links embed them); the identity sequences then continue
 *   after the largest copied value (setval).
 * - Converted on the way: 0/1 → boolean, JSON text → jsonb, U+0000 in text (which PostgreSQL text cannot
 *   hold) → U+FFFD, also inside JSON. SQLite-only FTS5 shadow tables are not copied: PostgreSQL's search
 *   indexes (db/pg/migrations/0001_search.sql) are filled by the inserts themselves.
 * - What the SQLite app would close at its next start is closed here the same way: replies left streaming
 *   and requests left in progress by a process that died become "interrupted" (the requests are added to the
 *   hourly roll-up, as completing them does).
 *
 * It reads the schemas directly (db/schema.ts, db/pg/schema.ts), not db/tables.ts, which picks one engine
 * by DATABASE_URL.
 */
import Database from "better-sqlite3";
import { getTableName, is } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import { getTableConfig as pgTableConfig, PgTable } from "drizzle-orm/pg-core";
import { getTableConfig as sqliteTableConfig, SQLiteTable } from "drizzle-orm/sqlite-core";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { pendingMigrations, pgText } from "@/db/engines/postgres";
import * as pgSchema from "@/db/pg/schema";
import * as sqliteSchema from "@/db/schema";
import { databasePath, isPostgresUrl, shownUrl } from "@/db/url";

/** Parents before children: every foreign key points to a table copied earlier. */
const TABLES = [
  "models",
  "users",
  "api_keys",
  "conversations",
  "messages",
  "attachments",
  "shares",
  "sessions",
  "usage",
  "usage_hourly",
  "auth_attempts",
] as const;
/**
 * The model catalogue, which an instance seeds with the defaults when it starts on an empty one: the target's
 * rows (if an instance already ran on it) are replaced by the SQLite file's, and do not make it "not empty".
 */
const REPLACED = new Set<string>(["models"]);
/** Rows per INSERT: well under PostgreSQL's 65,535 parameters for the widest table (13 columns). */
const BATCH_ROWS = 1000;
const HOUR = 3_600_000;

class Refused extends Error {}

function parseArgs(argv: string[]): { from: string; to: string } {
  const args: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--(from|to)(?:=(.*))?$/.exec(argv[i]);
    if (!m) throw new Refused(`unknown argument ${argv[i]}\n${usage}`);
    args[m[1]] = m[2] ?? argv[++i] ?? "";
  }
  const from = args.from || "file:./data/app.db";
  if (!args.to) throw new Refused(`--to is missing\n${usage}`);
  if (isPostgresUrl(from)) throw new Refused(`--from must be a SQLite file (file:…), not ${shownUrl(from)}`);
  if (!isPostgresUrl(args.to)) throw new Refused(`--to must be a postgres:// URL, not ${args.to}`);
  return { from, to: args.to };
}
const usage = "usage: npm run db:copy -- --from file:./data/app.db --to postgres://user:password@host:5432/db";

type Convert = (v: unknown) => unknown;

/** Replaces U+0000 in every string of a parsed JSON value, keys included (jsonb refuses \u0000). */
function scrubJson(v: unknown): unknown {
  if (typeof v === "string") return pgText(v);
  if (Array.isArray(v)) return v.map(scrubJson);
  if (v && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [pgText(k), scrubJson(x)]));
  }
  return v;
}

/** How each column's SQLite value becomes its PostgreSQL value, by the target column's type. */
function converterFor(columnType: string, where: string): Convert {
  switch (columnType) {
    case "PgBoolean":
      return (v) => (v === null || v === undefined ? null : Boolean(Number(v)));
    case "PgJsonb":
      return (v) => {
        if (v === null || v === undefined) return null;
        try {
          return JSON.stringify(scrubJson(JSON.parse(String(v))));
        } catch {
          throw new Error(`${where}: not valid JSON: ${String(v).slice(0, 80)}`);
        }
      };
    case "PgText":
    case "PgVarchar":
      return (v) => (v === null || v === undefined ? null : pgText(String(v)));
    default:
      return (v) => (v === undefined ? null : v);
  }
}

interface TablePlan {
  name: string;
  columns: string[];
  convert: Convert[];
  /** The identity column whose sequence continues after the copied values. */
  identity?: string;
}

/** Column lists and conversions from the two schemas; they must name the same columns. */
function plans(): TablePlan[] {
  const pgTables = new Map(
    (Object.values(pgSchema) as unknown[]).filter((t): t is PgTable => is(t, PgTable)).map((t) => [getTableName(t), t]),
  );
  const sqliteTables = new Map(
    (Object.values(sqliteSchema) as unknown[])
      .filter((t): t is SQLiteTable => is(t, SQLiteTable))
      .map((t) => [getTableName(t), t]),
  );
  // A table added to the schema must be copied (or knowingly left out here): documents were once lost this way.
  const unknown = [...sqliteTables.keys()].filter((name) => !(TABLES as readonly string[]).includes(name));
  if (unknown.length) throw new Error(`db:copy does not copy ${unknown.join(", ")}: add it to TABLES`);
  return TABLES.map((name) => {
    const pg = pgTableConfig(pgTables.get(name)!);
    const lite = new Set(sqliteTableConfig(sqliteTables.get(name)!).columns.map((c) => c.name));
    for (const c of pg.columns) {
      if (!lite.has(c.name)) throw new Error(`schema mismatch: ${name}.${c.name} is not in db/schema.ts`);
    }
    return {
      name,
      columns: pg.columns.map((c) => c.name),
      convert: pg.columns.map((c) => converterFor(c.columnType, `${name}.${c.name}`)),
      identity: pg.columns.find((c) => (c as unknown as { generatedIdentity?: unknown }).generatedIdentity)?.name,
    };
  });
}

/** The SQLite file, read-only, at the latest migration of this build (else the columns may not match). */
function openSource(from: string): Database.Database {
  const file = databasePath(from);
  if (file === ":memory:" || !existsSync(file)) throw new Refused(`no SQLite database at ${file}`);
  const source = new Database(file, { readonly: true, fileMustExist: true });
  const journal = JSON.parse(readFileSync(path.join(process.cwd(), "db/migrations/meta/_journal.json"), "utf8")) as {
    entries: unknown[];
  };
  const hasLog = source.prepare("select 1 from sqlite_master where name = '__drizzle_migrations'").get();
  const applied = hasLog
    ? (source.prepare("select count(*) as n from __drizzle_migrations").get() as { n: number }).n
    : 0;
  if (applied !== journal.entries.length) {
    source.close();
    throw new Refused(
      `the SQLite database ${file} has ${applied} of this version's ${journal.entries.length} ` +
        `migrations: run \`DATABASE_URL=${from} npm run db:migrate\` (or start this version of the app on it once) first.`,
    );
  }
  return source;
}

/** Counts the target's rows per copied table; all must be 0. */
async function targetRows(sql: postgres.Sql | postgres.TransactionSql): Promise<[string, number][]> {
  const found: [string, number][] = [];
  for (const t of TABLES) {
    if (REPLACED.has(t)) continue;
    const [{ n }] = await sql`select count(*)::int as n from ${sql(t)}`;
    if (n) found.push([t, n]);
  }
  return found;
}

function refuseNonEmpty(found: [string, number][], to: string) {
  if (!found.length) return;
  throw new Refused(
    `the PostgreSQL database ${shownUrl(to)} is not empty (${found.map(([t, n]) => `${t}: ${n}`).join(", ")}): ` +
      "db:copy only copies into an empty database. Create a new one (createdb …), run `DATABASE_URL=… npm run db:migrate` " +
      "on it, and copy again.",
  );
}

async function copyTable(tx: postgres.TransactionSql, source: Database.Database, plan: TablePlan): Promise<number> {
  const select = source.prepare(
    `select ${plan.columns.map((c) => `"${c}"`).join(", ")} from "${plan.name}" order by rowid`,
  );
  select.raw(true);
  let batch: Record<string, unknown>[] = [];
  let copied = 0;
  const flush = async () => {
    if (!batch.length) return;
    await tx`insert into ${tx(plan.name)} ${tx(batch as Record<string, postgres.ParameterOrJSON<never>>[], plan.columns)}`;
    const before = copied;
    copied += batch.length;
    batch = [];
    if (Math.floor(copied / 100_000) > Math.floor(before / 100_000))
      process.stderr.write(`  ${plan.name}: ${copied} rows…\n`);
  };
  // A synchronous iterator over one statement: nothing else uses the SQLite connection meanwhile.
  for (const raw of select.iterate() as Iterable<unknown[]>) {
    const row: Record<string, unknown> = {};
    for (let i = 0; i < plan.columns.length; i++) row[plan.columns[i]] = plan.convert[i](raw[i]);
    if (plan.name === "messages" && row.status === "streaming") row.status = "interrupted";
    batch.push(row);
    if (batch.length >= BATCH_ROWS) await flush();
  }
  await flush();
  return copied;
}

/** Requests the SQLite process left in progress (status 0), closed as db/queries/usage.ts closeUnfinishedUsage() does at the SQLite app's start-up. */
async function closeUnfinishedUsage(tx: postgres.TransactionSql): Promise<number> {
  const [{ n }] = await tx`
    with closed as (
      update usage set status = 500, error_code = 'interrupted' where status = 0
      returning created_at, user_id, coalesce(api_key_id, '') as api_key_id, source, model,
        prompt_tokens, completion_tokens, ttft_ms
    ), rolled as (
      insert into usage_hourly as h (hour, user_id, api_key_id, source, model, requests, errors, prompt_tokens,
        completion_tokens, ttft_sum, ttft_count)
      select (created_at / ${HOUR}) * ${HOUR}, user_id, api_key_id, source, model, count(*), count(*),
        sum(prompt_tokens), sum(completion_tokens), coalesce(sum(ttft_ms), 0), count(ttft_ms)
      from closed where user_id is not null group by 1, 2, 3, 4, 5
      on conflict (user_id, hour, api_key_id, source, model) do update set
        requests = h.requests + excluded.requests, errors = h.errors + excluded.errors,
        prompt_tokens = h.prompt_tokens + excluded.prompt_tokens,
        completion_tokens = h.completion_tokens + excluded.completion_tokens,
        ttft_sum = h.ttft_sum + excluded.ttft_sum, ttft_count = h.ttft_count + excluded.ttft_count
      returning 1
    )
    select count(*)::int as n from closed`;
  return n;
}

async function main() {
  const { from, to } = parseArgs(process.argv.slice(2));
  const layout = plans();
  const source = openSource(from);
  const target = postgres(to, {
    max: 1,
    onnotice: () => {},
    connect_timeout: 10,
    connection: { application_name: "glm-chat db:copy" },
  });
  try {
    const pending = await pendingMigrations(drizzle(target));
    if (pending) {
      throw new Refused(
        `the PostgreSQL database ${shownUrl(to)} lacks ${pending} migration(s): ` +
          `run \`DATABASE_URL=${shownUrl(to)} npm run db:migrate\` first (with the real password), then copy again.`,
      );
    }
    refuseNonEmpty(await targetRows(target), to);

    // One snapshot of the SQLite file for the whole copy (a read transaction), one transaction on PostgreSQL.
    source.exec("begin");
    const counts = await target.begin(async (tx) => {
      // Nobody writes to these tables until the copy commits; then check again that they are still empty.
      await tx.unsafe(`lock table ${TABLES.join(", ")} in exclusive mode`);
      refuseNonEmpty(await targetRows(tx), to);
      const counts: [string, number][] = [];
      for (const plan of layout) {
        if (REPLACED.has(plan.name)) await tx`delete from ${tx(plan.name)}`;
        const n = await copyTable(tx, source, plan);
        const [{ m }] = await tx`select count(*)::int as m from ${tx(plan.name)}`;
        if (m !== n) throw new Error(`${plan.name}: copied ${n} rows but the target has ${m}`);
        counts.push([plan.name, n]);
        if (plan.identity) {
          // The next generated value is the largest copied one + 1 (1 for an empty table).
          await tx.unsafe(`select setval(pg_get_serial_sequence('${plan.name}', '${plan.identity}'),
            coalesce((select max("${plan.identity}") from "${plan.name}"), 0) + 1, false)`);
        }
      }
      const closed = await closeUnfinishedUsage(tx);
      if (closed)
        console.log(`db:copy: ${closed} request(s) left in progress in the SQLite file are recorded as interrupted.`);
      return counts;
    });
    source.exec("commit");

    console.log(`db:copy: copied ${shownUrl(from)} → ${shownUrl(to)}`);
    const width = Math.max(...counts.map(([t]) => t.length));
    for (const [t, n] of counts) console.log(`  ${t.padEnd(width)}  ${n}`);
  } finally {
    source.close();
    await target.end({ timeout: 5 });
  }
}

main().catch((e: unknown) => {
  console.error(
    `db:copy: ${e instanceof Refused ? "" : "failed, nothing was copied: "}${e instanceof Error ? e.message : String(e)}`,
  );
  process.exit(1);
});
