/**
 * npm run db:backup (scripts/db-backup.ts), run as a person runs it (a child process), against a database the
 * app's own migrations made, with another connection writing to it as a running server would.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
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
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import Database from "better-sqlite3";
import { openDatabase } from "@/db";

const dir = mkdtempSync(path.join(tmpdir(), "glm-backup-"));
const file = path.join(dir, "app.db");
const backups = path.join(dir, "backups");

function backup(args: string[], databaseUrl = `file:${file}`) {
  const child = spawnSync(
    process.execPath,
    [path.resolve("node_modules/tsx/dist/cli.mjs"), "scripts/db-backup.ts", ...args],
    { encoding: "utf8", env: { ...process.env, DATABASE_URL: databaseUrl }, timeout: 60_000 },
  );
  return { code: child.status, stdout: child.stdout, stderr: child.stderr };
}

const rows = (db: Database.Database, sql: string) => db.prepare(sql).all();

/** The writer stands in for a running server: WAL mode, commits still in the log, one transaction open. */
let writer: Database.Database;

before(() => {
  // The app's schema and migrations, then closed: the writer below is a plain connection, as another process's.
  (openDatabase(file) as unknown as { $client: Database.Database }).$client.close();
  writer = new Database(file);
  writer.pragma("journal_mode = WAL");
  writer.pragma("wal_autocheckpoint = 0"); // the committed rows stay in the -wal, as between a server's checkpoints
  const add = writer.prepare("insert into users (id, email, password_hash) values (?, ?, 'x')");
  add.run("u1", "one@example.com");
  add.run("u2", "two@example.com");
  writer.exec("begin immediate");
  add.run("u3", "uncommitted@example.com");
});

after(() => {
  if (writer.inTransaction) writer.exec("rollback");
  writer.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("npm run db:backup", () => {
  test("copies what is committed, log included, while another connection holds a write open", () => {
    assert.ok(statSync(`${file}-wal`).size > 0, "the committed rows are still in the log");
    const r = backup([]);
    assert.equal(r.code, 0, r.stderr);
    const made = readdirSync(backups);
    assert.equal(made.length, 1);
    assert.match(made[0], /^app-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.db$/);
    const copy = path.join(backups, made[0]);
    assert.match(r.stdout, /Backed up .*app\.db to .*app-.*\.db \([\d.]+ MB: 2 users, 0 conversations, 0 messages\)/);
    assert.match(r.stdout, /To restore it: stop the server/);
    assert.equal(statSync(copy).mode & 0o777, 0o600, "only its owner may read what it holds");
    assert.equal(existsSync(`${copy}-wal`), false, "the copy is one file");
    const db = new Database(copy, { readonly: true });
    try {
      assert.equal(db.pragma("integrity_check", { simple: true }), "ok");
      assert.deepEqual(rows(db, "select email from users order by email"), [
        { email: "one@example.com" },
        { email: "two@example.com" },
      ]);
      assert.ok(
        (rows(db, "select count(*) as n from __drizzle_migrations")[0] as { n: number }).n > 0,
        "the migrations' record comes along, so the app opens the copy as it is",
      );
    } finally {
      db.close();
    }
    assert.equal(readdirSync(backups).filter((f) => f.includes(".partial")).length, 0, "no temporary file left");
  });

  test("never overwrites a file, and names a file or a folder with --to", () => {
    const named = path.join(dir, "named.db");
    writeFileSync(named, "precious");
    const refused = backup(["--to", named]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /named\.db exists already; a backup never overwrites a file/);
    assert.equal(readFileSync(named, "utf8"), "precious");

    const fresh = path.join(dir, "fresh.db");
    assert.equal(backup([`--to=${fresh}`]).code, 0);
    const copy = new Database(fresh, { readonly: true });
    assert.equal(copy.pragma("quick_check", { simple: true }), "ok");
    copy.close();

    const folder = path.join(dir, "elsewhere");
    mkdirSync(folder);
    assert.equal(backup(["--to", folder]).code, 0);
    assert.match(readdirSync(folder).join(), /^app-.*Z\.db$/);

    // Not there yet and without an extension (a cron line's --to /mnt/backups): a folder, made, not a file
    // named like it that the next night's run would refuse to overwrite.
    const nightly = path.join(dir, "nightly");
    assert.equal(backup(["--to", nightly]).code, 0);
    assert.match(readdirSync(nightly).join(), /^app-.*Z\.db$/);
    assert.match(backup(["--to", named, "--keep", "2"]).stderr, /--keep keeps backups in a folder/);
  });

  test("--keep N removes the oldest time-named backups beyond N, and nothing else", () => {
    const folder = path.join(dir, "kept");
    mkdirSync(folder);
    const old = ["app-2020-01-01T00-00-00Z.db", "app-2020-01-02T00-00-00Z.db", "app-2020-01-03T00-00-00Z.db"];
    const others = ["notes.txt", "app-manual.db", "other-2020-01-01T00-00-00Z.db"];
    for (const f of [...old, ...others]) writeFileSync(path.join(folder, f), "");
    const r = backup(["--to", folder, "--keep", "2"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Removed 2 older backups: app-2020-01-01T00-00-00Z\.db, app-2020-01-02T00-00-00Z\.db\./);
    const left = readdirSync(folder);
    assert.ok(left.includes(old[2]), "the newest old one is kept");
    for (const f of others) assert.ok(left.includes(f), `${f} is not a backup of this database`);
    assert.equal(left.filter((f) => /^app-\d/.test(f)).length, 2);
  });

  test("bad input is refused with a clear message and writes nothing", () => {
    const before = readdirSync(backups).length;
    const cases: [string[], string | undefined, RegExp][] = [
      [["--keep", "0"], undefined, /--keep must be a whole number of backups, 1 or more \(got "0"\)/],
      [["--to"], undefined, /--to needs a value/],
      [["--to", "--keep", "2"], undefined, /--to needs a value/],
      [["--frm", "x"], undefined, /unknown argument --frm/],
      [[], `file:${path.join(dir, "missing.db")}`, /there is no database at .*missing\.db/],
      [[], "postgres://glm:secret@db.example/glm", /PostgreSQL \(postgres:\/\/glm:\*\*\*@db\.example\/glm\).*pg_dump/s],
    ];
    for (const [args, url, message] of cases) {
      const r = backup(args, url);
      assert.equal(r.code, 2, `${args.join(" ")} ${url ?? ""}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /secret/, "a password is never printed");
    }
    assert.equal(readdirSync(backups).length, before);
  });
});
