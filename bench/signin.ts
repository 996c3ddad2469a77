/**
 * Sign-in flood: `npm run bench:signin`. How well the server keeps answering while people sign in at once:
 * /api/health latency while 32 concurrent sign-ins (wrong and right passwords, alternating) hammer a
 * production build. Target: /api/health p95 < 100 ms.
 *
 *   npm run bench:signin                          this tree (build .next-signin if missing); writes docs/benchmarks.md
 *   npm run bench:signin -- --build               rebuild first (do this after changing the app)
 *   npm run bench:signin -- --before DIR          also measure an older checkout DIR first (it needs a build in
 *                                                 DIR/.next-signin, or pass --build to make one), for a before/after table
 *   npm run bench:signin -- --dist .next-x        use (or build) DIR/.next-x instead of .next-signin in each tree
 *   npm run bench:signin -- --quick               shorter; prints, does not write the docs
 *
 * Each server is `npm start`'s entry (scripts/server.mjs, heap capped as `npm start` does) on a fresh database
 * seeded with 32 accounts whose password is stored as the old code stored it (bcryptjs, cost 11); every account
 * signs in once before measuring (the new code re-hashes with scrypt then). Each of 32 workers signs in to its
 * own account over HTTP (Auth.js csrf + credentials callback), wrong password then right, in a closed loop: the
 * right one clears the account's failures, so the per-account throttle never skips a password check and every
 * attempt costs one hash. Sign-ins come from 127.0.0.1, which the per-address throttles do not count.
 * Meanwhile one prober GETs /api/health every 25 ms (its own connection) and records each latency.
 */
import Database from "better-sqlite3";
import bcrypt from "bcryptjs";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import {
  freePort,
  killChildrenNow,
  replaceDocSection,
  runToEnd,
  sleep,
  startChild,
  stats,
  stopChildren,
  waitForHealth,
  type Stats,
} from "./support";
import { CookieJar, request } from "./lib/http";
import { loadMeter } from "./lib/load";

const ROOT = path.resolve(__dirname, "..");
const args = process.argv.slice(2);
/** The build folder in each tree: `--dist .next-auth` reuses a build made for the tests. */
const DIST = args.includes("--dist") ? args[args.indexOf("--dist") + 1] : ".next-signin";
const QUICK = args.includes("--quick");
const BUILD = args.includes("--build");
const BEFORE = args.includes("--before") ? path.resolve(args[args.indexOf("--before") + 1]) : null;
const WORKERS = 32;
const PASSWORD = "correct horse battery";
const IDLE_MS = QUICK ? 3_000 : 6_000;
const FLOOD_MS = QUICK ? 8_000 : 20_000;
const PROBE_EVERY_MS = 25;

const log = (s: string) => console.error(`[bench:signin] ${s}`);
process.on("exit", killChildrenNow);

/** `next build` into DIST inside `dir`, putting back the two files it rewrites to mention DIST. */
async function ensureBuild(dir: string) {
  if (!BUILD && existsSync(path.join(dir, DIST, "BUILD_ID"))) return log(`using the existing ${dir}/${DIST} build`);
  log(`building ${dir} into ${DIST} …`);
  const touched = ["tsconfig.json", "next-env.d.ts"].map((f) => [
    path.join(dir, f),
    readFileSync(path.join(dir, f), "utf8"),
  ]);
  try {
    await runToEnd(
      "next build",
      "npx",
      ["next", "build"],
      { cwd: dir, env: { ...process.env, NEXT_DIST_DIR: DIST, NEXT_TELEMETRY_DISABLED: "1" } },
      600_000,
    );
  } finally {
    for (const [file, before] of touched) writeFileSync(file, before);
  }
}

const TIMEOUT_MS = 60_000;

/**
 * One sign-in over HTTP (bench/lib/http.ts's requests; not its signIn, which asks for the session as well:
 * the flood is two requests a sign-in); true when a session cookie came back.
 */
async function signIn(agent: http.Agent, port: number, email: string, password: string): Promise<boolean> {
  const jar = new CookieJar();
  const csrf = await request(port, "GET", "/api/auth/csrf", {}, undefined, TIMEOUT_MS, agent);
  jar.take(csrf.headers);
  const { csrfToken } = JSON.parse(csrf.body) as { csrfToken: string };
  const form = new URLSearchParams({ csrfToken, email, password, callbackUrl: "/" }).toString();
  const headers = {
    "content-type": "application/x-www-form-urlencoded",
    "content-length": Buffer.byteLength(form),
    cookie: jar.header(),
  };
  const cb = await request(port, "POST", "/api/auth/callback/credentials", headers, form, TIMEOUT_MS, agent);
  return (cb.headers["set-cookie"] ?? []).some((c) => c.startsWith("authjs.session-token="));
}

interface Result {
  label: string;
  idle: Stats;
  flood: Stats;
  signIns: Stats;
  perSecond: number;
  refusedRight: number;
  machineBusy: number;
}

async function measure(label: string, dir: string): Promise<Result> {
  const work = mkdtempSync(path.join(os.tmpdir(), "bench-signin-"));
  const port = await freePort();
  const server = startChild(`server (${label})`, process.execPath, ["--max-old-space-size=192", "scripts/server.mjs"], {
    cwd: dir,
    env: {
      ...process.env,
      NEXT_DIST_DIR: DIST,
      PORT: String(port),
      HOSTNAME: "127.0.0.1",
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      DATABASE_URL: `file:${work}/app.db`,
      UPSTREAM_API_KEY: "bench",
    },
  });
  try {
    await waitForHealth(port, "/api/health", 60_000, server);
    const emails = Array.from({ length: WORKERS }, (_, i) => `flood-${i}@example.com`);
    const db = new Database(path.join(work, "app.db"));
    db.pragma("busy_timeout = 5000");
    const hash = bcrypt.hashSync(PASSWORD, 11);
    for (const email of emails)
      db.prepare("insert into users (id, email, password_hash) values (?, ?, ?)").run(randomUUID(), email, hash);
    db.close();
    const agent = new http.Agent({ keepAlive: true, maxSockets: WORKERS * 2 });
    for (const email of emails)
      if (!(await signIn(agent, port, email, PASSWORD))) throw new Error(`${label}: warm-up sign-in failed`);

    const probeAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const probe = async (ms: number) => {
      const times: number[] = [];
      for (const end = Date.now() + ms; Date.now() < end; ) {
        const r = await request(port, "GET", "/api/health", {}, undefined, TIMEOUT_MS, probeAgent);
        if (r.status !== 200) throw new Error(`/api/health: HTTP ${r.status}`);
        times.push(r.total);
        await sleep(PROBE_EVERY_MS);
      }
      return times;
    };
    log(`${label}: /api/health with nothing else running …`);
    const idle = await probe(IDLE_MS);

    log(`${label}: /api/health during ${WORKERS} concurrent sign-ins …`);
    let stop = false;
    const signInTimes: number[] = [];
    let refusedRight = 0;
    const meter = loadMeter();
    const workers = emails.map(async (email) => {
      for (let n = 0; !stop; n++) {
        const right = n % 2 === 1;
        const t0 = performance.now();
        const ok = await signIn(agent, port, email, right ? PASSWORD : "wrong password");
        signInTimes.push(performance.now() - t0);
        if (right && !ok) refusedRight++;
      }
    });
    const t0 = performance.now();
    const flood = await probe(FLOOD_MS);
    const floodMs = performance.now() - t0;
    stop = true;
    await Promise.all(workers);
    const machineBusy = meter.busy();
    agent.destroy();
    probeAgent.destroy();
    return {
      label,
      idle: stats(idle),
      flood: stats(flood),
      signIns: stats(signInTimes),
      perSecond: signInTimes.length / (floodMs / 1000),
      refusedRight,
      machineBusy,
    };
  } finally {
    await stopChildren();
    rmSync(work, { recursive: true, force: true });
  }
}

const ms = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(v < 10 ? 1 : 0)} ms`);

function section(results: Result[]): string {
  const L = [
    "## Sign-in flood",
    "",
    `\`npm run bench:signin\` (bench/signin.ts), ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${os.cpus().length} cores ` +
      "shared with other work. A production build behind `npm start`'s server (scripts/server.mjs, 192 MB heap cap); " +
      `${WORKERS} workers sign in concurrently over HTTP (Auth.js csrf + credentials callback), each to its own account, wrong ` +
      `password then right, in a closed loop, for ${FLOOD_MS / 1000} s; one prober GETs \`/api/health\` every ${PROBE_EVERY_MS} ms on its ` +
      "own connection. Accounts start with bcryptjs (cost 11) hashes, as the old code stored them, and sign in once before measuring. " +
      "Target: `/api/health` p95 < 100 ms during the flood.",
    "",
    "| code | /api/health idle p50 / p95 | /api/health flood p50 / p95 / max | sign-in p50 / p95 | sign-ins/s | machine busy | target |",
    "|---|---|---|---|---|---|---|",
    ...results.map(
      (r) =>
        `| ${r.label} | ${ms(r.idle.p50)} / ${ms(r.idle.p95)} | ${ms(r.flood.p50)} / ${ms(r.flood.p95)} / ${ms(r.flood.max)} ` +
        `(${r.flood.n} probes) | ${ms(r.signIns.p50)} / ${ms(r.signIns.p95)} | ${r.perSecond.toFixed(1)} | ${(r.machineBusy * 100).toFixed(0)}% | ` +
        `${r.flood.p95 < 100 ? "met" : "missed"} |`,
    ),
    "",
  ];
  const refused = results.filter((r) => r.refusedRight);
  if (refused.length)
    L.push(`Right passwords refused: ${refused.map((r) => `${r.label} ${r.refusedRight}`).join(", ")}.`, "");
  return L.join("\n");
}

async function main() {
  const runs: [string, string][] = [];
  if (BEFORE) runs.push(["before: bcryptjs on the main thread", BEFORE]);
  runs.push([BEFORE ? "after: scrypt on the libuv pool" : "this tree", ROOT]);
  for (const [, dir] of runs) await ensureBuild(dir);
  const results: Result[] = [];
  for (const [label, dir] of runs) {
    const r = await measure(label, dir);
    log(
      `${label}: health idle p95 ${ms(r.idle.p95)}, flood p50 ${ms(r.flood.p50)} p95 ${ms(r.flood.p95)}; ` +
        `${r.perSecond.toFixed(1)} sign-ins/s (p95 ${ms(r.signIns.p95)})`,
    );
    results.push(r);
  }
  const text = section(results);
  console.log(text);
  if (!QUICK) log(`wrote ${replaceDocSection(ROOT, "Sign-in flood", text)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
