/**
 * PostgreSQL and two instances: `npm run bench:instances` (= `tsx bench/instances.ts`). About 8–15 minutes, plus a
 * `next build` of ~2 min when .next-chatbench is missing or older than the sources.
 *
 *   npm run bench:instances               measure, write docs/benchmarks.md (## PostgreSQL and two instances)
 *   npm run bench:instances -- --quick    one round per case, fewer streams; prints, docs left alone
 *   npm run bench:instances -- --profile  instance A under --cpu-prof, 256 streams of each kind on two instances
 *                                         only; prints where A's CPU goes (bench/profile-summary.ts); docs left alone
 *   npm run bench:instances -- --build    rebuild .next-chatbench first
 *
 * Set-up: a throw-away PostgreSQL 15 (scripts/postgres.mjs, migrated by the app's migratePostgres), the stand-in
 * upstream (bench/standin.ts, own process, 20 words 2 ms apart), two `next start` instances A and B of the
 * production build on that one database (same AUTH_SECRET; PG_POOL_MAX default 10 each), and two round-robin
 * proxies (bench/lib/rr-proxy.mjs, node:http, unbuffered): one in front of A alone, one in front of A and B.
 * Paths: "A direct" (/v1 only: the proxy's own cost), "proxy → A" (one instance) and "proxy → A+B" (two instances).
 * Two kinds of stream: /v1/chat/completions with an API key (stream: true), and the chat's POST /api/chat with a
 * signed-in session (each stream starts a new conversation: conversation + messages written, the reply's
 * live claim, progress saves and frames, as when a person chats). At 32 and 256 concurrent streams (closed loop),
 * in rounds: round 1 of every case, then round 2 …, up to 3 or until BENCH_BUDGET_MIN (default 20) minutes of
 * measuring would be passed; the paths of a case back to back, order rotated each round. Per round: completed streams per second, TTFT
 * p50/p99 (request written → first content frame), and the CPU time of every process (/proc ticks: A, B,
 * proxy, PostgreSQL's postmaster and backends, stand-in, this client) per stream. Figures are medians over rounds.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { mkdirSync, readdirSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import bcrypt from "bcryptjs";
import postgres from "postgres";
import { createKeyWithCli, freePort, killChildrenNow, replaceDocSection, runBench, sleep, startChild } from "./support";
import { ensureBuild, ROOT } from "./lib/build";
import { signIn } from "./lib/http";
import { clock, waitForQuiet } from "./lib/load";
import { startNext, stopNext } from "./lib/next-server";
import { startPostgres, type BenchPg } from "./lib/pg";
import { closedLoop, streamOnce, UI_TEXT_DELTA, V1_CONTENT } from "./lib/streams";
import { summariseProfile } from "./profile-summary";
import { cpuSnapshot, cpuSince, type Cpu } from "./instances/cpu";
import { renderInstances, type Case, type Meta } from "./instances/report";

const argv = new Set(process.argv.slice(2));
const QUICK = argv.has("--quick");
const PROFILE = argv.has("--profile");
const DIST = ".next-chatbench";
const ROUNDS = QUICK || PROFILE ? 1 : 3;
/** Measuring time after which no further round starts (the first round always runs in full). */
const BUDGET_MS = Number(process.env.BENCH_BUDGET_MIN ?? 20) * 60_000;
const LEVELS = PROFILE ? [{ c: 256 }] : [{ c: 32 }, { c: 256 }];
const KINDS = ["v1", "chat"] as const;
type Kind = (typeof KINDS)[number];
type PathName = "A direct" | "proxy → A" | "proxy → A+B";
/** Chat streams cost ~10× the CPU of /v1 streams: fewer per round. "A direct" (the proxy's own cost) only for /v1. */
const perRound = (kind: Kind, c: number) => (QUICK ? c : kind === "v1" ? (c === 32 ? 256 : 512) : c === 32 ? 96 : 256);
const paths = (kind: Kind): PathName[] =>
  PROFILE ? ["proxy → A+B"] : kind === "v1" ? ["A direct", "proxy → A", "proxy → A+B"] : ["proxy → A", "proxy → A+B"];
const WORDS = 20;
const RUN_LIMIT_MS = BUDGET_MS + 20 * 60_000;
const EMAIL = "bench-streams@example.com";
const PASSWORD = "bench-streams-password";

const log = (m: string) => process.stderr.write(`[bench:instances ${clock()}] ${m}\n`);
let pg: BenchPg | undefined;
const cleanupNow = () => {
  killChildrenNow();
  pg?.stop();
};
process.on("exit", cleanupNow);
for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => process.exit(130));

async function main() {
  const started = Date.now();
  setTimeout(() => {
    log(`still running after ${RUN_LIMIT_MS / 60_000} min; giving up`);
    process.exit(2);
  }, RUN_LIMIT_MS).unref();
  const build = await ensureBuild(DIST, argv.has("--build"), log);
  pg = await startPostgres(log);
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } as NodeJS.ProcessEnv;
  delete env.NODE_OPTIONS;
  const standin = startChild("stand-in", process.execPath, ["--import", "tsx", "bench/standin.ts"], {
    cwd: ROOT,
    env: { ...env, STANDIN_WORD_DELAY_MS: "2" },
  });
  const standinPort = Number((await standin.waitFor(/PORT (\d+)/, 30_000))[1]);
  const authSecret = randomBytes(32).toString("base64url");
  const appEnv = {
    DATABASE_URL: pg.url,
    AUTH_SECRET: authSecret,
    UPSTREAM_BASE_URL: `http://127.0.0.1:${standinPort}`,
    UPSTREAM_API_KEY: "bench",
  };
  const profileDir = path.join(
    ROOT,
    "bench",
    ".profiles",
    `instances-${new Date().toISOString().replace(/[:.]/g, "-")}`,
  );
  if (PROFILE) mkdirSync(profileDir, { recursive: true });
  const [portA, portB] = [await freePort(), await freePort()];
  const [a, b] = await Promise.all([
    startNext({ dist: DIST, port: portA, env: appEnv, name: "A", cpuProfDir: PROFILE ? profileDir : undefined }),
    startNext({ dist: DIST, port: portB, env: appEnv, name: "B" }),
  ]);
  const proxy = (name: string, ports: number[]) =>
    startChild(name, process.execPath, ["bench/lib/rr-proxy.mjs"], {
      cwd: ROOT,
      env: { ...env, TARGET_PORTS: ports.join(",") },
    });
  const proxy1 = proxy("proxy → A", [portA]);
  const proxy2 = proxy("proxy → A+B", [portA, portB]);
  const ports: Record<PathName, number> = {
    "A direct": portA,
    "proxy → A": Number((await proxy1.waitFor(/PORT (\d+)/, 30_000))[1]),
    "proxy → A+B": Number((await proxy2.waitFor(/PORT (\d+)/, 30_000))[1]),
  };
  log(
    `PostgreSQL ${new URL(pg.url).host}, stand-in :${standinPort}, A :${portA} (${(a.startupMs / 1000).toFixed(0)} s), B :${portB}, ` +
      `proxies :${ports["proxy → A"]} (A) and :${ports["proxy → A+B"]} (A+B)`,
  );

  // An API key through the CLI people use; a user for the chat, signed in over HTTP (the session is in the database).
  const key = await createKeyWithCli(ROOT, { ...env, ...appEnv }, "bench");
  const sql = postgres(pg.url, { max: 1, onnotice: () => {} });
  await sql`insert into users (id, email, password_hash) values (${randomUUID()}, ${EMAIL}, ${bcrypt.hashSync(PASSWORD, 4)})`;
  await sql.end();
  const { jar } = await signIn(portA, EMAIL, PASSWORD);

  const pids: Record<keyof Cpu, number[]> = {
    A: [a.proc.pid!],
    B: [b.proc.pid!],
    proxy: [proxy1.proc.pid!, proxy2.proc.pid!],
    postgres: pg.pid ? [pg.pid] : [],
    standin: [standin.proc.pid!],
    client: [],
  };
  // A fresh keep-alive agent per round: sockets left idle between rounds (longer than the servers' keep-alive
  // timeout) would otherwise be reused just as the server closes them ("socket hang up").
  const newAgent = () =>
    new http.Agent({ keepAlive: true, keepAliveMsecs: 30_000, maxSockets: 4096, maxFreeSockets: 4096 });
  let agent = newAgent();
  const v1Body = Buffer.from(
    JSON.stringify({
      model: "GLM-4-Air",
      stream: true,
      messages: [{ role: "user", content: `Tell me about the sea. [words:${WORDS}]` }],
    }),
  );
  const one = (kind: Kind, p: PathName) => {
    const port = ports[p];
    if (kind === "v1") {
      return streamOnce({
        port,
        path: "/v1/chat/completions",
        agent,
        body: v1Body,
        isContent: V1_CONTENT,
        expectFrames: WORDS,
        timeoutMs: 120_000,
        headers: {
          "content-type": "application/json",
          accept: "text/event-stream",
          authorization: `Bearer ${key}`,
          "content-length": v1Body.length,
        },
      });
    }
    const body = Buffer.from(
      JSON.stringify({
        id: randomUUID(),
        trigger: "submit-message",
        model: "GLM-4-Flash",
        message: {
          id: randomUUID(),
          role: "user",
          parts: [{ type: "text", text: `Tell me about the sea. [words:${WORDS}]` }],
        },
      }),
    );
    return streamOnce({
      port,
      path: "/api/chat",
      agent,
      body,
      isContent: UI_TEXT_DELTA,
      timeoutMs: 120_000,
      headers: {
        "content-type": "application/json",
        cookie: jar.header(),
        "sec-fetch-site": "same-origin",
        "content-length": body.length,
      },
    });
  };

  for (const kind of KINDS)
    for (const p of paths(kind)) {
      const s = await one(kind, p);
      if (!s.ok) throw new Error(`${kind} via ${p}: the first stream failed: ${s.error}`);
    }
  log("warming up (every kind and path: 100 /v1 or 32 chat streams at 16) …");
  for (const kind of KINDS)
    for (const p of paths(kind)) await closedLoop(16, kind === "v1" ? 100 : 32, () => one(kind, p));

  await waitForQuiet(log, QUICK ? 0 : 90_000);
  // Round r of every case before round r + 1 of any, so a busy machine that eats the time budget still leaves
  // every case measured (the later rounds are dropped, and the report says how many each case got).
  const cases: Case[] = [];
  for (const kind of KINDS)
    for (const { c } of LEVELS)
      for (const p of paths(kind)) {
        cases.push({ kind, concurrency: c, path: p, perRound: perRound(kind, c), rounds: [] });
      }
  const measureStart = Date.now();
  for (let r = 0; r < ROUNDS; r++) {
    const roundStart = Date.now();
    for (const kind of KINDS)
      for (const { c } of LEVELS) {
        const ps = paths(kind);
        for (const p of ps.map((_, i) => ps[(i + r) % ps.length])) {
          await sleep(300);
          const n = perRound(kind, c);
          agent.destroy();
          agent = newAgent();
          const cpu0 = cpuSnapshot(pids);
          const res = await closedLoop(c, n, () => one(kind, p));
          const cpu = cpuSince(cpu0, pids, res.samples.length);
          cases
            .find((x) => x.kind === kind && x.concurrency === c && x.path === p)!
            .rounds.push({ ...res, samples: [], cpu });
          log(
            `round ${r + 1}: ${kind} ${c} via ${p.padEnd(11)}: ${res.perSecond.toFixed(1)} streams/s, TTFT p50 ${res.ttftP50.toFixed(0)} p99 ${res.ttftP99.toFixed(0)} ms, ` +
              `${res.errors} errors${res.firstError ? ` (${res.firstError})` : ""}; CPU ms/stream ` +
              Object.entries(cpu.perStream)
                .map(([k, v]) => `${k} ${v.toFixed(1)}`)
                .join(", ") +
              `; machine busy ${(cpu.machineBusy * 100).toFixed(0)}%, others ${(cpu.foreign * 100).toFixed(0)}%`,
          );
        }
      }
    const took = Date.now() - roundStart;
    if (r + 1 < ROUNDS && Date.now() - measureStart + took > BUDGET_MS) {
      log(
        `stopping after ${r + 1} round(s): another would pass the ${BUDGET_MS / 60_000}-minute budget (a round took ${(took / 60_000).toFixed(1)} min)`,
      );
      break;
    }
  }
  agent.destroy();
  if (PROFILE) {
    await stopNext(a);
    for (const f of readdirSync(profileDir).filter((x) => x.endsWith(".cpuprofile")))
      console.log(summariseProfile(path.join(profileDir, f), 30));
    console.log(`\nprofile in ${path.relative(ROOT, profileDir)}`);
    return;
  }
  const meta: Meta = {
    date: new Date().toISOString().replace("T", " ").slice(0, 16) + " UTC",
    runSeconds: (Date.now() - started) / 1000,
    build,
    rounds: ROUNDS,
    words: WORDS,
    postgresPid: Boolean(pg.pid),
    budgetMin: BUDGET_MS / 60_000,
  };
  const section = renderInstances(cases, meta);
  if (QUICK) console.log(section);
  else log(`wrote ${path.relative(ROOT, replaceDocSection(ROOT, "PostgreSQL and two instances", section))}`);
}

runBench(main);
