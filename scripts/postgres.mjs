#!/usr/bin/env node
/**
 * A throw-away PostgreSQL database for tests. `startTestPostgres()` → `{ url, stop() }`:
 * - with TEST_DATABASE_URL set, creates a fresh database on that server (dropped again by stop());
 * - otherwise runs its own server from PostgreSQL 15+ binaries (Debian's `postgresql` package, installed
 *   when missing and we are root, as scripts/test.mjs does for Chromium): initdb in a temp folder owned by
 *   an unprivileged user (PostgreSQL refuses to run as root), a free port on 127.0.0.1, the unix socket
 *   inside the temp folder so nothing touches /var/run/postgresql. stop() kills it and removes the folder.
 * stop() is synchronous so that a process.exit() path (scripts/test.mjs finish()) can call it.
 *
 * `node scripts/postgres.mjs` starts one, prints its URL and stops it on Ctrl-C.
 */
import { spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const MIN_VERSION = 15;
const isRoot = process.getuid?.() === 0;

function sh(cmd, args, { user, env } = {}) {
  const [file, argv] = user ? ["runuser", ["-u", user, "--", cmd, ...args]] : [cmd, args];
  const r = spawnSync(file, argv, { encoding: "utf8", env: { ...process.env, ...env } });
  if (r.status !== 0) {
    throw new Error(
      `${path.basename(cmd)} ${args.join(" ")} failed (${r.status ?? r.signal}):\n${r.stderr || r.stdout}`,
    );
  }
  return r.stdout;
}

const majorOf = (bin) => {
  const r = spawnSync(path.join(bin, "pg_ctl"), ["--version"], { encoding: "utf8" });
  return r.status === 0 ? Number(/(\d+)(?:\.\d+)?/.exec(r.stdout)?.[1] ?? 0) : 0;
};

/** The newest PostgreSQL bin folder of version 15 or later: Debian's layout first, then PATH. */
function findBinaries() {
  const debian = "/usr/lib/postgresql";
  const candidates = existsSync(debian)
    ? readdirSync(debian)
        .sort((a, b) => Number(b) - Number(a))
        .map((v) => path.join(debian, v, "bin"))
    : [];
  for (const dir of (process.env.PATH ?? "").split(":")) if (dir) candidates.push(dir);
  return candidates.find((bin) => existsSync(path.join(bin, "initdb")) && majorOf(bin) >= MIN_VERSION);
}

function ensureBinaries() {
  const found = findBinaries();
  if (found) return found;
  if (isRoot && existsSync("/usr/bin/apt-get")) {
    console.log("PostgreSQL not found: installing Debian's postgresql (apt-get install -y postgresql)…");
    const env = { DEBIAN_FRONTEND: "noninteractive" };
    sh("apt-get", ["update", "-qq"], { env });
    sh("apt-get", ["install", "-y", "-qq", "postgresql"], { env });
    const installed = findBinaries();
    if (installed) return installed;
  }
  throw new Error(
    `no PostgreSQL ${MIN_VERSION}+ found for the tests. Install it with:\n` +
      "  sudo apt-get install -y postgresql\nor set TEST_DATABASE_URL to a server the tests may create databases on.",
  );
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const dbName = () => `glm_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;

/** Runs a few statements through postgres.js in a child process, so callers can stay synchronous. */
function runSql(url, statements) {
  const code = `import postgres from "postgres";
    const sql = postgres(process.env.PG_URL, { max: 1, onnotice: () => {} });
    try { for (const s of JSON.parse(process.env.PG_STATEMENTS)) await sql.unsafe(s); } finally { await sql.end(); }`;
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", code], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, PG_URL: url, PG_STATEMENTS: JSON.stringify(statements) },
  });
  if (r.status !== 0) throw new Error(`SQL on ${new URL(url).host} failed: ${r.stderr}`);
}

/** Another fresh database on the same server (e.g. for a second app server); dropped with the rest. */
function databaseCreator(serverUrl, created) {
  return (label) => {
    const name = `${dbName()}_${label}`.slice(0, 63);
    runSql(serverUrl, [`create database "${name}" template template0 encoding 'UTF8'`]);
    created.push(name);
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    return url.toString();
  };
}

function onServer(serverUrl) {
  const name = dbName();
  const created = [];
  // template0 + UTF8: the search's trigram and CJK indexes need a UTF-8 database.
  runSql(serverUrl, [`create database "${name}" template template0 encoding 'UTF8'`]);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  let stopped = false;
  return {
    url: url.toString(),
    createDatabase: databaseCreator(serverUrl, created),
    stop() {
      if (stopped) return;
      stopped = true;
      runSql(
        serverUrl,
        [name, ...created].map((n) => `drop database if exists "${n}" with (force)`),
      );
    },
  };
}

async function ownServer() {
  const bin = ensureBinaries();
  const dir = mkdtempSync(path.join(tmpdir(), "glm-chat-pg-"));
  // PostgreSQL will not run as root: hand the folder to the `postgres` user the package creates.
  const user = isRoot ? "postgres" : undefined;
  if (user) {
    const uid = Number(sh("id", ["-u", user]).trim());
    const gid = Number(sh("id", ["-g", user]).trim());
    chownSync(dir, uid, gid);
  }
  const data = path.join(dir, "data");
  const log = path.join(dir, "log");
  // C.UTF-8: UTF-8 text with a ctype that counts CJK characters as word characters, which pg_trgm
  // needs to make trigrams of Chinese and Japanese (under plain "C" it skips them).
  sh(
    path.join(bin, "initdb"),
    ["-D", data, "--auth=trust", "-U", "postgres", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"],
    { user },
  );
  const port = await freePort();
  // Durability is pointless for a database deleted at the end; turning it off makes the tests faster.
  const options =
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off ` +
    "-c full_page_writes=off";
  const pgCtl = (...args) => sh(path.join(bin, "pg_ctl"), ["-D", data, ...args], { user });
  try {
    pgCtl("-l", log, "-w", "-o", options, "start");
    sh(path.join(bin, "createdb"), ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "glm_test"]);
  } catch (e) {
    const tail = existsSync(log) ? readFileSync(log, "utf8").slice(-2000) : "";
    try {
      pgCtl("-m", "immediate", "stop");
    } catch {}
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${e.message}\n${tail}`);
  }
  let stopped = false;
  const url = `postgres://postgres@127.0.0.1:${port}/glm_test`;
  return {
    url,
    createDatabase: databaseCreator(url, []),
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        pgCtl("-m", "immediate", "stop");
      } catch {}
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** @returns {Promise<{ url: string, createDatabase(label: string): string, stop(): void }>} */
export async function startTestPostgres() {
  return process.env.TEST_DATABASE_URL ? onServer(process.env.TEST_DATABASE_URL) : ownServer();
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const pg = await startTestPostgres();
  console.log(pg.url);
  console.error("PostgreSQL is running; Ctrl-C stops it and deletes its data.");
  const bye = () => {
    pg.stop();
    process.exit(0);
  };
  process.on("SIGINT", bye);
  process.on("SIGTERM", bye);
  setInterval(() => {}, 1 << 30);
}
