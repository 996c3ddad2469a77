/**
 * The processes `npm test` runs (scripts/test.mjs): stages with their start times, commands that block or run
 * beside one another, long-lived servers, and one way out (`finish`) that stops them all. A deadline ends a
 * run that hangs, red and with a report of what it was waiting on, well inside CI's 90 minutes: a CI run that
 * times out keeps no output at all (one did, on a commit that passed here in 8 minutes).
 */
import { spawn, spawnSync } from "node:child_process";
import path from "node:path";

/** The environment every command gets (NEXT_TELEMETRY_DISABLED…), set once by test.mjs. */
let env = process.env;
export const setCommandEnv = (e) => {
  env = e;
};
const children = [];
/** Run on the way out, whatever the way (stopping the throw-away PostgreSQL server). */
const cleanups = [];
export const onFinish = (fn) => cleanups.push(fn);

const startedAt = Date.now();
const elapsed = () => {
  const s = Math.round((Date.now() - startedAt) / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
};
let stage = "starting";
/** A stage's header, with the time since npm test started, so a slow stage shows in the log. */
export function step(title) {
  stage = title;
  console.log(`\n=== [${elapsed()}] ${title}`);
}

/** npm test normally takes 6–8 min here. */
const DEADLINE_MIN = Number(process.env.NPM_TEST_DEADLINE_MIN ?? 30);
/** A blocking step (tsc, biome, apt-get, a migration) gets the same bound: a timer cannot fire during spawnSync. */
const BLOCKING_STEP_MS = 15 * 60_000;
/**
 * Every node:test run: a test that waits forever fails after 3 min (the slowest takes ~40 s), and a test file
 * whose tests are done exits even if a socket or timer of its own is still open.
 */
export const NODE_TEST_FLAGS = ["--test-timeout=180000", "--test-force-exit"];

export function run(cmd, args, extraEnv = {}) {
  const r = spawnSync(cmd, args, { stdio: "inherit", env: { ...env, ...extraEnv }, timeout: BLOCKING_STEP_MS });
  if (r.error?.code === "ETIMEDOUT") finish(1, `${path.basename(cmd)} ${args.join(" ")} still running after 15 min`);
  if (r.status !== 0) finish(r.status ?? 1, `${path.basename(cmd)} ${args.join(" ")} failed`);
}

/**
 * `run` without blocking this process: for the suites that run while the PostgreSQL pass is under way. A
 * spawnSync here would stop this event loop, so nothing would read the PostgreSQL suites' output; their pipes
 * would fill and they would sit blocked until it returned (that pass once took 9½ minutes for 80 s of tests).
 */
export function runAsync(cmd, args, extraEnv = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: "inherit", env: { ...env, ...extraEnv }, detached: true });
    track(child, cmd, args);
    child.on("close", (code, signal) => {
      const status = code ?? (signal ? 1 : 0);
      if (status !== 0) finish(status, `${path.basename(cmd)} ${args.join(" ")} failed`);
      resolve();
    });
  });
}

/**
 * Runs a command without blocking, collecting its output (for a suite that runs beside another). It resolves
 * when the command exits: a process it left behind could hold its pipes open, and waiting for them to close
 * would wait for that process. Whatever is left in its process group is stopped then.
 */
export function runCollecting(cmd, args, extraEnv) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env: { ...env, ...extraEnv }, stdio: ["ignore", "pipe", "pipe"], detached: true });
    const entry = track(child, cmd, args);
    entry.output = "";
    const keep = (d) => {
      entry.output += d;
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.on("exit", (code, signal) => {
      // Let the last of its output arrive, then stop anything it left in its group.
      setTimeout(() => {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {}
        resolve({ code: code ?? (signal ? 1 : 0), output: entry.output });
      }, 500);
    });
  });
}

/** What npm test has started, for the deadline's report. */
const running = [];
function track(child, cmd, args) {
  children.push(child);
  const entry = { child, what: [path.basename(cmd), ...args].join(" ").slice(0, 300), since: elapsed(), output: null };
  running.push(entry);
  return entry;
}

function reportHang() {
  console.error(`\nnpm test: still running after ${DEADLINE_MIN} min, in the stage "${stage}". Its processes:`);
  for (const { child, what, since, output } of running) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    console.error(`- pid ${child.pid}, started at ${since}: ${what}`);
    if (output) console.error(`  its output so far (last 6,000 characters):\n${output.slice(-6000)}`);
  }
  // Ours only: descendants of this process, and processes left in a tracked child's group after it died.
  const ps = spawnSync("ps", ["-eo", "pid,ppid,pgid,etime,pcpu,stat,args"], { encoding: "utf8" });
  const rows = (ps.stdout ?? "").split("\n").slice(1).filter(Boolean);
  const parsed = rows.map((line) => {
    const [pid, ppid, pgid] = line.trim().split(/\s+/).map(Number);
    return { pid, ppid, pgid, line };
  });
  const ours = new Set([process.pid]);
  const groups = new Set(running.map((r) => r.child.pid));
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of parsed) {
      if (!ours.has(p.pid) && (ours.has(p.ppid) || groups.has(p.pgid))) {
        ours.add(p.pid);
        grew = true;
      }
    }
  }
  const lines = parsed.filter((p) => ours.has(p.pid)).map((p) => p.line.slice(0, 400));
  console.error(`\nnpm test's processes (pid ppid pgid elapsed %cpu state command):\n${lines.join("\n")}`);
}
/** Arms the deadline (NPM_TEST_DEADLINE_MIN, 30 by default). */
export function startDeadline() {
  setTimeout(() => {
    reportHang();
    finish(
      1,
      `npm test did not finish within ${DEADLINE_MIN} min (NPM_TEST_DEADLINE_MIN); see above for what it was waiting on`,
    );
  }, DEADLINE_MIN * 60_000).unref();
}

export function finish(code, message) {
  for (const c of children) {
    try {
      process.kill(-c.pid, "SIGTERM");
    } catch {}
  }
  for (const cleanup of cleanups) {
    try {
      cleanup();
    } catch (e) {
      console.error(`npm test: ${e.message}`);
    }
  }
  if (message) console.error(`\nnpm test: ${message}`);
  process.exit(code);
}
process.on("SIGINT", () => finish(130, "interrupted"));
process.on("SIGTERM", () => finish(143, "terminated"));

export function start(name, cmd, args, extraEnv) {
  const child = spawn(cmd, args, { env: { ...env, ...extraEnv }, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let tail = "";
  const keep = (d) => {
    tail = (tail + d).slice(-4000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  child.on("exit", (code) => {
    if (!stopping) finish(1, `${name} exited early (code ${code}). Its last output:\n${tail}`);
  });
  track(child, cmd, args);
  return child;
}
let stopping = false;
/** From here on, a server that exits is expected to. */
export const stopServers = () => {
  stopping = true;
};

export async function waitFor(url, ms = 60_000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      const r = await fetch(url);
      if (r.status < 500) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  finish(1, `${url} did not answer within ${ms / 1000}s`);
}
