/**
 * npm run db:backup [-- --to PATH] [--keep N]
 *
 * A consistent copy of the SQLite database, safe to take while the server runs: SQLite's `VACUUM INTO` copies
 * one snapshot (one read transaction; in WAL mode the server's writes go on meanwhile and are not in the copy).
 * Copying `data/app.db` with `cp` instead can miss what is still in its `-wal` log, or catch a page mid-write.
 * SQLite's online backup API (better-sqlite3's `backup()`) was not taken: it starts over whenever another
 * connection writes, which a busy server does every few milliseconds.
 *
 * - The copy is written under a temporary name, checked (`PRAGMA quick_check`), and only then renamed into
 *   place, so a file with the final name is always whole. An existing file is never overwritten.
 * - By default it goes to `backups/` beside the database, named by the time: `app-2026-11-28T21-05-00Z.db`.
 *   `--to` names a file (with an extension: `nightly.db`), or a folder to put the time-named file in (one that
 *   exists, ends in `/`, has no extension, or goes with `--keep`).
 * - `--keep N` then removes the oldest time-named backups of this database in that folder beyond the newest N
 *   (for a daily cron line); other files there are never touched.
 * - PostgreSQL is backed up with its own tools (pg_dump): the command says so and copies nothing.
 */
import Database from "better-sqlite3";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { databasePath, databaseUrl, isPostgresUrl, shownUrl } from "@/db/url";

class Refused extends Error {}

const usage = "usage: npm run db:backup [-- --to FILE_OR_FOLDER] [--keep N]";

interface Options {
  from: string;
  to: string | undefined;
  keep: number | undefined;
}

function parseArgs(argv: string[]): Options {
  const args: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--(from|to|keep)(?:=(.*))?$/.exec(argv[i]);
    if (!m) throw new Refused(`unknown argument ${argv[i]}\n${usage}`);
    const value = m[2] ?? (argv[i + 1]?.startsWith("--") ? undefined : argv[++i]);
    if (!value) throw new Refused(`--${m[1]} needs a value\n${usage}`);
    args[m[1]] = value;
  }
  const keep = args.keep === undefined ? undefined : Number(args.keep);
  if (keep !== undefined && !(Number.isInteger(keep) && keep >= 1))
    throw new Refused(`--keep must be a whole number of backups, 1 or more (got "${args.keep}")`);
  return { from: args.from || databaseUrl(), to: args.to || undefined, keep };
}

/** `app-2026-11-28T21-05-00Z.db` for `app.db`: sorts by time, and has no `:` (which some file systems refuse). */
const stampedName = (base: string, at: Date) => `${base}-${at.toISOString().slice(0, 19).replaceAll(":", "-")}Z.db`;
const STAMPED = (base: string) =>
  new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}-\\d{4}-\\d\\d-\\d\\dT\\d\\d-\\d\\d-\\d\\dZ\\.db$`);

function destination(
  source: string,
  to: string | undefined,
  at: Date,
  keep: number | undefined,
): { file: string; folder: string; base: string } {
  const base = path.basename(source).replace(/\.[^.]*$/, "");
  const target = path.resolve(to ?? path.join(path.dirname(source), "backups"));
  const exists = existsSync(target);
  if (exists && !statSync(target).isDirectory()) {
    if (target === source) throw new Refused("the backup cannot be the database itself");
    if (keep !== undefined) throw new Refused(`--keep keeps backups in a folder, and ${target} is a file`);
  }
  // A path not there yet is a folder unless it names a file (has an extension): `--to /mnt/backups` in a cron
  // line made one file named `backups` at its first run, which every later run refused to overwrite.
  const isFolder =
    to === undefined ||
    to.endsWith("/") ||
    keep !== undefined ||
    (exists ? statSync(target).isDirectory() : path.extname(target) === "");
  const file = isFolder ? path.join(target, stampedName(base, at)) : target;
  if (existsSync(file)) throw new Refused(`${file} exists already; a backup never overwrites a file`);
  return { file, folder: path.dirname(file), base };
}

const plural = (n: number, noun: string) => `${n.toLocaleString("en")} ${noun}${n === 1 ? "" : "s"}`;
const count = (db: Database.Database, table: string) =>
  (db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;

function backup(opts: Options): string {
  if (isPostgresUrl(opts.from)) {
    throw new Refused(
      `DATABASE_URL names PostgreSQL (${shownUrl(opts.from)}): back it up with PostgreSQL's own tools, e.g.\n` +
        `  pg_dump --format=custom --file=glm-chat.dump "$DATABASE_URL"\n` +
        `and restore with pg_restore --clean --dbname "$DATABASE_URL" glm-chat.dump`,
    );
  }
  const source = databasePath(opts.from);
  if (source === ":memory:") throw new Refused("an in-memory database has nothing to back up");
  if (!existsSync(source)) throw new Refused(`there is no database at ${source} (DATABASE_URL=${opts.from})`);
  const started = Date.now();
  const { file, folder, base } = destination(source, opts.to, new Date(started), opts.keep);
  // The copy holds what the database holds (password hashes, every conversation): readable by its owner alone,
  // from the moment it exists, as the app's own file is.
  process.umask(0o077);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const partial = `${file}.partial-${process.pid}`;
  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    // A server's commit or checkpoint can hold a lock for a moment: wait for it rather than fail.
    db.pragma("busy_timeout = 10000");
    db.prepare("vacuum into ?").run(partial);
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  } finally {
    db.close();
  }
  const copy = new Database(partial, { readonly: true, fileMustExist: true });
  let summary: string;
  try {
    const check = copy.pragma("quick_check", { simple: true });
    if (check !== "ok") throw new Error(`the copy failed SQLite's check (${String(check)}); nothing was kept`);
    summary = ["user", "conversation", "message"].map((t) => plural(count(copy, `${t}s`), t)).join(", ");
  } catch (err) {
    copy.close();
    rmSync(partial, { force: true });
    throw err;
  }
  copy.close();
  renameSync(partial, file);
  const mb = (statSync(file).size / 1e6).toFixed(1);
  const lines = [`Backed up ${source} to ${file} (${mb} MB: ${summary}) in ${Date.now() - started} ms.`];
  if (opts.keep !== undefined) {
    const pattern = STAMPED(base);
    const old = readdirSync(folder)
      .filter((f) => pattern.test(f))
      .sort()
      .slice(0, -opts.keep);
    for (const f of old) rmSync(path.join(folder, f));
    if (old.length) lines.push(`Removed ${plural(old.length, "older backup")}: ${old.join(", ")}.`);
  }
  lines.push(
    "To restore it: stop the server, move the database and its -wal and -shm files aside, copy the backup in its place:",
    `  mkdir -p ${path.dirname(source)}/before-restore && mv ${source}* ${path.dirname(source)}/before-restore/`,
    `  cp ${file} ${source}`,
  );
  return lines.join("\n");
}

try {
  console.log(backup(parseArgs(process.argv.slice(2))));
} catch (err) {
  console.error(`db:backup: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(err instanceof Refused ? 2 : 1);
}
