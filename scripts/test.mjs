#!/usr/bin/env node
/**
 * `npm test`: every test, on a fresh machine. Finds (or installs) Chromium, type-checks, runs unit tests,
 * makes ONE production build, starts the stand-in upstream and that build once, then runs the
 * integration tests (official openai SDK) and the Playwright tests against them. A throw-away PostgreSQL
 * database (scripts/postgres.mjs: TEST_DATABASE_URL's server, or its own) is handed to the tests as
 * TEST_DATABASE_URL.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startTestPostgres } from "./postgres.mjs";
import {
  finish,
  NODE_TEST_FLAGS,
  onFinish,
  run,
  runAsync,
  runCollecting,
  start,
  startDeadline,
  step,
  stopServers,
  setCommandEnv,
  waitFor,
} from "./test-processes.mjs";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
process.chdir(root);
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
setCommandEnv(env);
startDeadline();
/** The throw-away PostgreSQL database, once started; stopped by finish(). */
let pg;
onFinish(() => pg?.stop());
const bin = (name) => path.join(root, "node_modules/.bin", name);
/**
 * `npm test -- chat auth` runs only the test files whose path contains one of the words (and skips the
 * stages with none); `SKIP_BUILD=1` reuses the last build (NEXT_DIST_DIR picks the build folder).
 */
const filters = process.argv.slice(2);
const pick = (dir, ext) =>
  readdirSync(dir)
    .filter((f) => f.endsWith(ext))
    .map((f) => `${dir}/${f}`)
    .filter((f) => !filters.length || filters.some((w) => f.includes(w)));

/**
 * Chromium's headless shell (Debian's `chromium-headless-shell`, the same Chromium as its `chromium`), else
 * Debian's full browser. The shell is what Playwright itself runs headless tests in; the full browser runs them
 * in its headless mode, which costs about twice the CPU: a new context and its first page 3.6 CPU-s against
 * 1.3, `chat.spec.ts` 96 CPU-s against 50. The browser tests are CPU-bound on two cores, so that is most of
 * their wall time (npm test 14m34s → 9m46s). CHROMIUM_PATH overrides both.
 */
const HEADLESS_SHELL = "/usr/bin/chromium-headless-shell";
const FULL_BROWSERS = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

/** It must start, not only exist (a half-installed package, a missing library). */
const starts = (exe) => spawnSync(exe, ["--version"], { encoding: "utf8", timeout: 20_000 }).status === 0;

function aptInstall(pkg) {
  const apt = (args) =>
    spawnSync("apt-get", args, { stdio: "inherit", env: { ...env, DEBIAN_FRONTEND: "noninteractive" } }).status === 0;
  // From the package lists already on the machine if they have it; else fetched first.
  return apt(["install", "-y", "-qq", pkg]) || (apt(["update", "-qq"]) && apt(["install", "-y", "-qq", pkg]));
}

function findChromium() {
  if (env.CHROMIUM_PATH && existsSync(env.CHROMIUM_PATH)) return env.CHROMIUM_PATH;
  if (existsSync(HEADLESS_SHELL) && starts(HEADLESS_SHELL)) return HEADLESS_SHELL;
  const canInstall = process.getuid?.() === 0 && existsSync("/usr/bin/apt-get");
  if (canInstall) {
    console.log("Installing Debian's Chromium headless shell (apt-get install -y chromium-headless-shell)…");
    if (aptInstall("chromium-headless-shell") && starts(HEADLESS_SHELL)) return HEADLESS_SHELL;
  }
  const found = FULL_BROWSERS.find((p) => existsSync(p));
  if (found) return found;
  if (canInstall) {
    console.log("Installing Debian's chromium (apt-get install -y chromium)…");
    if (aptInstall("chromium") && existsSync(FULL_BROWSERS[0])) return FULL_BROWSERS[0];
  }
  finish(
    1,
    "no Chromium found for the browser tests. Install it with:\n  sudo apt-get install -y chromium-headless-shell\n" +
      "or point CHROMIUM_PATH at a Chromium binary.",
  );
}

const chromium = findChromium();
console.log(`Chromium: ${chromium}`);

step("Type check, lint and format (npm run check)");
run(bin("tsc"), ["--noEmit"]);
run(bin("biome"), ["check", "."]);

step("Starting a throw-away PostgreSQL database");
try {
  pg = await startTestPostgres();
} catch (e) {
  finish(1, e.message);
}

const unitFiles = pick("tests/unit", ".test.ts");
const integrationFiles = pick("tests/integration", ".test.ts");
const e2eFiles = pick("tests/e2e", ".spec.ts");
const needsBuild = (integrationFiles.length || e2eFiles.length) && process.env.SKIP_BUILD !== "1";
// The production build runs beside the unit tests (neither reads what the other writes): its output is
// printed once it is done. Together they took ~2 min 10 s one after the other.
const building = needsBuild ? runCollecting(bin("next"), ["build"], {}) : null;
if (unitFiles.length) {
  step(needsBuild ? "Unit tests (the production build runs beside them)" : "Unit tests");
  // With TEST_DATABASE_URL, the query-layer tests run their cases again on PostgreSQL (tests/support/engines.ts).
  // Two files at a time: node:test's default on two cores is one (availableParallelism() - 1), which left a core
  // idle for the ~95 s of this stage when no build runs beside it (each file is its own process, and its
  // PostgreSQL cases use a database of their own: tests/support/engines.ts).
  await runAsync(bin("tsx"), ["--test", "--test-concurrency=2", ...NODE_TEST_FLAGS, ...unitFiles], {
    TEST_DATABASE_URL: pg.url,
  });
}
if (building) {
  step("Production build");
  const { code, output } = await building;
  process.stdout.write(output);
  if (code !== 0) finish(code, "next build failed");
}
if (!integrationFiles.length && !e2eFiles.length) finish(0);

const work = mkdtempSync(path.join(tmpdir(), "glm-chat-test-"));
const standinPort = 4100 + Math.floor(Math.random() * 400);
const appPort = standinPort + 500;
const serverEnv = {
  PORT: String(appPort),
  DATABASE_URL: `file:${work}/app.db`,
  UPSTREAM_BASE_URL: `http://127.0.0.1:${standinPort}/api/paas/v4`,
  UPSTREAM_API_KEY: "standin-key",
  UPSTREAM_CONNECT_TIMEOUT_MS: "1500",
  UPSTREAM_FIRST_BYTE_TIMEOUT_MS: "1500",
  STREAM_KEEPALIVE_MS: "400",
  // The browser tests' admin (tests/e2e/global-setup.ts), signed up first by seedAdmin; nobody may sign the
  // second up (tests/integration/auth-admin-address.test.ts).
  ADMIN_EMAILS: "e2e-admin@example.com,reserved-admin@example.com",
  // The suites sign up hundreds of accounts from here; tests of the limits use addresses of their own (127.0.0.x).
  THROTTLE_EXEMPT_ADDRESSES: "127.0.0.1,::1,::ffff:127.0.0.1",
};
step(`Starting the stand-in upstream (:${standinPort}) and the production server (:${appPort})`);
start("stand-in upstream", bin("tsx"), ["tests/upstream/main.ts"], {
  STANDIN_PORT: String(standinPort),
  STANDIN_SLOW_MS: "3000",
});
start("production server", process.execPath, ["scripts/server.mjs"], {
  ...serverEnv,
  HOSTNAME: "127.0.0.1",
  NODE_ENV: "production",
});
await waitFor(`http://127.0.0.1:${appPort}/api/health`);
// The browser tests' admin first: an ADMIN_EMAILS address signs itself up only as the first account.
const seedAdmin = (url) => runAsync(bin("tsx"), ["tests/support/seed-admin.ts"], { APP_URL: url });
await seedAdmin(`http://127.0.0.1:${appPort}`);

const testEnv = {
  ...serverEnv,
  APP_URL: `http://127.0.0.1:${appPort}`,
  STANDIN_URL: `http://127.0.0.1:${standinPort}`,
  TEST_WORK_DIR: work,
  TEST_DATABASE_URL: pg.url,
  CHROMIUM_PATH: chromium,
};

/*
 * The same app on PostgreSQL: a second production server (with its own stand-in) on a fresh database, the
 * integration suite again (without the tests about one SQLite process, which start their own servers on
 * SQLite files), the suites that start PostgreSQL servers of their own, and the e2e specs where a shared database
 * matters most. It runs beside the SQLite browser tests — separate server, database, stand-in and Playwright
 * output — because the suites mostly wait on streams; its output is printed when both are done.
 */
const SQLITE_PROCESS_ONLY = ["crash", "shutdown", "server-process", "demo-mode", "db-copy", "upstream-log"];
/**
 * Suites that start servers of their own on PostgreSQL databases of their own (two instances, start-up, the
 * engine's SQL): they run once, in this pass beside the SQLite browser tests, with the SQLite pass's settings
 * (the node doors), rather than on the longest path (~1 min of npm test's 15).
 */
const OWN_POSTGRES_SERVERS = ["postgres-", "two-instances"];
const ownsPostgres = (f) => OWN_POSTGRES_SERVERS.some((w) => path.basename(f).startsWith(w));
/**
 * Suites about the HTTP doors themselves (validation, caps, headers, redirects, tool-call wire shapes): no
 * query of theirs differs by engine, so the PostgreSQL pass leaves them out (it is the stage that ends last).
 */
const ENGINE_INDEPENDENT = ["auth-redirects", "limits", "models-and-tools", "reasoning-and-search", "security-headers"];
/** In the browser on PostgreSQL: who may see what, share links, and the chat (its rendering-only case left out). */
const PG_E2E = ["isolation", "share", "chat"];
const PG_E2E_SKIP = "markdown renders";
/**
 * Browser specs that run on PostgreSQL only: the account page (password change, signing out everywhere; the
 * integration suite checks both on both engines), the UI's own behaviour and the accessibility audits (the
 * same pages whatever the engine). They balance the two lanes: with all of them in the SQLite pass, the
 * PostgreSQL lane ended 3–5 min before it and one core idled; now both end within a minute (CI: 12:54 and
 * 13:36). npm test is CPU-bound on two cores, so this removes the idle tail rather than minutes.
 */
const PG_ONLY_E2E = ["account", "ux", "a11y", "a11y-phone-width"];
const isPgOnlyE2e = (f) => PG_ONLY_E2E.some((w) => path.basename(f).startsWith(`${w}.`));
const pgIntegration = integrationFiles.filter(
  (f) =>
    !ownsPostgres(f) && ![...SQLITE_PROCESS_ONLY, ...ENGINE_INDEPENDENT].some((w) => path.basename(f).startsWith(w)),
);
const pgOwnServers = integrationFiles.filter(ownsPostgres);
const sqliteIntegration = integrationFiles.filter((f) => !ownsPostgres(f));
const pgE2e = e2eFiles.filter((f) => isPgOnlyE2e(f) || PG_E2E.some((w) => path.basename(f).startsWith(`${w}.`)));
const sqliteE2e = e2eFiles.filter((f) => !isPgOnlyE2e(f));
let pgSuites = Promise.resolve({ code: 0, log: "" });
/** Starts the PostgreSQL suites (set below when there are any). */
let startPgSuites = () => {};
if (pgIntegration.length || pgE2e.length || pgOwnServers.length) {
  const pgStandinPort = appPort + 1;
  const pgPort = appPort + 2;
  step(`Starting a stand-in (:${pgStandinPort}) and a production server on PostgreSQL (:${pgPort})`);
  const appDb = pg.createDatabase("app");
  run(bin("tsx"), ["scripts/db-migrate.ts"], { DATABASE_URL: appDb });
  const pgServerEnv = {
    ...serverEnv,
    PORT: String(pgPort),
    DATABASE_URL: appDb,
    AUTH_SECRET: "npm-test-secret",
    // This pass serves /v1 and /api/chat through Next's route handlers; the SQLite pass through the server's own doors.
    THROUGH_NEXT: "1",
    UPSTREAM_BASE_URL: `http://127.0.0.1:${pgStandinPort}/api/paas/v4`,
  };
  start("stand-in upstream for PostgreSQL", bin("tsx"), ["tests/upstream/main.ts"], {
    STANDIN_PORT: String(pgStandinPort),
    STANDIN_SLOW_MS: "3000",
  });
  start("production server on PostgreSQL", process.execPath, ["scripts/server.mjs"], {
    ...pgServerEnv,
    HOSTNAME: "127.0.0.1",
    NODE_ENV: "production",
  });
  await waitFor(`http://127.0.0.1:${pgPort}/api/health`);
  await seedAdmin(`http://127.0.0.1:${pgPort}`);
  const pgTestEnv = {
    ...testEnv,
    ...pgServerEnv,
    APP_URL: `http://127.0.0.1:${pgPort}`,
    STANDIN_URL: `http://127.0.0.1:${pgStandinPort}`,
  };
  startPgSuites = () => {
    pgSuites = runPgSuites();
  };
  const runPgSuites = async () => {
    let log = "";
    const t0 = Date.now();
    for (const [title, files, cmd, args, env] of [
      [
        "Integration tests on PostgreSQL",
        pgIntegration,
        bin("tsx"),
        ["--test", "--test-concurrency=1", ...NODE_TEST_FLAGS],
        pgTestEnv,
      ],
      [
        "Integration tests with PostgreSQL servers of their own",
        pgOwnServers,
        bin("tsx"),
        ["--test", "--test-concurrency=1", ...NODE_TEST_FLAGS],
        testEnv,
      ],
      [
        "End-to-end tests on PostgreSQL",
        pgE2e,
        bin("playwright"),
        ["test", "--output=test-results-postgres", `--grep-invert=${PG_E2E_SKIP}`],
        pgTestEnv,
      ],
    ]) {
      if (!files.length) continue;
      const r = await runCollecting(cmd, [...args, ...files], env);
      log += `\n=== ${title} (${Math.round((Date.now() - t0) / 1000)} s since the PostgreSQL suites started)\n${r.output}`;
      if (r.code !== 0) return { code: r.code, log, failed: title };
    }
    return { code: 0, log };
  };
}

startPgSuites();
if (sqliteIntegration.length) {
  step("Integration tests (official openai SDK → /v1 → stand-in upstream)");
  await runAsync(bin("tsx"), ["--test", "--test-concurrency=1", ...NODE_TEST_FLAGS, ...sqliteIntegration], testEnv);
}

if (sqliteE2e.length) {
  step("End-to-end tests (Playwright, Chromium)");
  await runAsync(bin("playwright"), ["test", ...sqliteE2e], testEnv);
}

const pgResult = await pgSuites;
if (pgResult.log) {
  step("The suites on PostgreSQL (run beside the ones above)");
  process.stdout.write(pgResult.log);
}
if (pgResult.code !== 0) finish(pgResult.code, `${pgResult.failed} failed`);

stopServers();
rmSync(work, { recursive: true, force: true });
step("All tests passed");
finish(0);
