/**
 * The bench's processes and the four paths one stream can take, all black-box over HTTP:
 *   direct        client → stand-in /api/paas/v4/chat/completions
 *   pass-through  client → bench/passthrough.mjs → stand-in
 *   relay         client → bench/relay.mjs (body parsed and written again, undici's Pool) → stand-in: not one
 *                 of the doors bench's paths; bench:tail --floor measures it beside the pass-through
 *   v1            client → the app (scripts/server.mjs) POST /v1/chat/completions, API key → stand-in
 *   chat          client → the app POST /api/chat, signed in, a new conversation per stream → stand-in
 * The app is started as `npm start` runs it (bench/lib/next-server.ts startAppServer), SQLite in a temp dir.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import bcrypt from "bcryptjs";
import { ROOT } from "../lib/build";
import { type CookieJar, signIn } from "../lib/http";
import { NPM_START_NODE_FLAGS, startAppServer, stopNext } from "../lib/next-server";
import { type Sample, streamOnce, UI_ERROR, UI_TEXT_DELTA, V1_CONTENT } from "../lib/streams";
import { type Child, createKeyWithCli, freePort, startChild } from "../support";
import { newId } from "@/lib/ids";

export const PATHS = ["direct", "pass-through", "v1", "chat"] as const;
export type PathName = (typeof PATHS)[number] | "relay";
/** The paths whose middle process is the app server. */
export const DOORS = ["v1", "chat"] as const;
export type Door = (typeof DOORS)[number];

/** The upstream work of every measured stream: 16 words, 2 ms apart, model GLM-4-Air. */
export const WORDS = 16;
export const WORD_DELAY_MS = 2;
export const MODEL = "GLM-4-Air";
export const PROMPT = `Tell me about the sea. [words:${WORDS}][delay:${WORD_DELAY_MS}]`;
const UPSTREAM_PATH = "/api/paas/v4/chat/completions";
const EMAIL = "bench-doors@example.com";
const PASSWORD = "bench-doors-password";

export interface Rig {
  standin: Child;
  passthrough: Child;
  relay: Child;
  server: Child;
  ports: Record<PathName, number>;
  /** Pid of the process tree whose CPU a path adds (none for direct). */
  middlePid(p: PathName): number | undefined;
  /** One stream on a path; `prompt` defaults to PROMPT, `expectFrames` to WORDS for the OpenAI-shaped paths. */
  one(
    p: PathName,
    agent: http.Agent,
    o?: { prompt?: string; timeoutMs?: number; expectFrames?: number },
  ): Promise<Sample>;
  /** A fresh app server on the same database (key, user and session stay valid). */
  restartServer(o?: { cpuProfDir?: string }): Promise<void>;
  serverStartupMs: number;
  close(): Promise<void>;
}

/** Keep-alive client agent; a fresh one per round, so no socket idles past the server's keep-alive timeout. */
export const keepAliveAgent = () =>
  new http.Agent({ keepAlive: true, keepAliveMsecs: 30_000, maxSockets: 4096, maxFreeSockets: 4096 });

const v1Body = (prompt: string) =>
  Buffer.from(JSON.stringify({ model: MODEL, stream: true, messages: [{ role: "user", content: prompt }] }));

/**
 * What the chat UI's transport sends for a new conversation's first message, with ids made as the page makes
 * them (time-ordered, lib/ids.ts), or random ones as pages before 2026-11-28 did (`BENCH_RANDOM_IDS=1` in a set-up).
 */
const chatBody = (prompt: string, id: () => string) =>
  Buffer.from(
    JSON.stringify({
      id: id(),
      trigger: "submit-message",
      model: MODEL,
      message: { id: id(), role: "user", parts: [{ type: "text", text: prompt }] },
    }),
  );

/**
 * A server set-up as the A/B tools take it: a build folder, then comma-separated environment (`NAME=value`) and
 * node flags (`--flag`, after npm start's own) for its app server: `.next-b,ASYNC_CONTEXT=node,--trace-gc`.
 */
export function startRigFromSpec(spec: string): Promise<Rig> {
  const [dist, ...items] = spec.split(",");
  const flags = items.filter((i) => i.startsWith("--"));
  const env = Object.fromEntries(
    items.filter((i) => !i.startsWith("--")).map((v) => [v.slice(0, v.indexOf("=")), v.slice(v.indexOf("=") + 1)]),
  );
  return startRig({ dist, env, nodeFlags: [...NPM_START_NODE_FLAGS, ...flags], log: () => {} });
}

export async function startRig(o: {
  dist: string;
  log: (m: string) => void;
  echo?: boolean;
  cpuProfDir?: string;
  /** Node flags for the app server (default: what `npm start` passes). */
  nodeFlags?: string[];
  /** More environment for the app server (bench:ab's `dist,NAME=value`). */
  env?: Record<string, string>;
}): Promise<Rig> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), "glm-bench-doors-"));
  const childEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } as NodeJS.ProcessEnv;
  delete childEnv.NODE_OPTIONS;

  const standin = startChild("stand-in", process.execPath, ["--import", "tsx", "bench/standin.ts"], {
    cwd: ROOT,
    env: { ...childEnv, STANDIN_WORD_DELAY_MS: String(WORD_DELAY_MS) },
    echo: o.echo,
  });
  const standinPort = Number((await standin.waitFor(/PORT (\d+)/, 30_000))[1]);
  const passthrough = startChild("pass-through", process.execPath, ["bench/passthrough.mjs"], {
    cwd: ROOT,
    env: { ...childEnv, TARGET_PORT: String(standinPort) },
    echo: o.echo,
  });
  const passPort = Number((await passthrough.waitFor(/PORT (\d+)/, 30_000))[1]);
  const relay = startChild("relay", process.execPath, ["bench/relay.mjs"], {
    cwd: ROOT,
    env: { ...childEnv, TARGET_PORT: String(standinPort) },
    echo: o.echo,
  });
  const relayPort = Number((await relay.waitFor(/PORT (\d+)/, 30_000))[1]);

  const serverPort = await freePort();
  const dbFile = path.join(tmp, "app.db");
  const appEnv = {
    DATABASE_URL: `file:${dbFile}`,
    AUTH_SECRET: randomBytes(32).toString("base64url"),
    UPSTREAM_BASE_URL: `http://127.0.0.1:${standinPort}/api/paas/v4`,
    UPSTREAM_API_KEY: "bench",
    ...o.env,
  };
  const start = (cpuProfDir?: string) =>
    startAppServer({ dist: o.dist, port: serverPort, env: appEnv, cpuProfDir, echo: o.echo, nodeFlags: o.nodeFlags });
  let server = await start(o.cpuProfDir);
  o.log(
    `stand-in :${standinPort}, pass-through :${passPort}, app (scripts/server.mjs) :${serverPort} ` +
      `pid ${server.proc.pid}, up in ${(server.startupMs / 1000).toFixed(1)} s`,
  );

  // An API key through the CLI people use (same DATABASE_URL as the server).
  const key = await createKeyWithCli(ROOT, { ...childEnv, ...appEnv }, "bench-doors");
  // A user with a password (as bench/instances.ts does: the row, then a sign-in over HTTP like a browser's).
  const db = new Database(dbFile);
  db.prepare("insert into users (id, email, password_hash) values (?, ?, ?)").run(
    randomUUID(),
    EMAIL,
    bcrypt.hashSync(PASSWORD, 4),
  );
  db.close();
  const { jar } = await signIn(serverPort, EMAIL, PASSWORD);

  const ids = o.env?.BENCH_RANDOM_IDS ? randomUUID : newId;
  const ports: Record<PathName, number> = {
    direct: standinPort,
    "pass-through": passPort,
    relay: relayPort,
    v1: serverPort,
    chat: serverPort,
  };
  const rig: Rig = {
    standin,
    passthrough,
    relay,
    server,
    ports,
    serverStartupMs: server.startupMs,
    middlePid: (p) =>
      p === "pass-through"
        ? passthrough.proc.pid
        : p === "relay"
          ? relay.proc.pid
          : p === "v1" || p === "chat"
            ? rig.server.proc.pid
            : undefined,
    one: (p, agent, opt = {}) => oneStream(p, ports[p], agent, key, jar, opt, ids),
    async restartServer(r = {}) {
      await stopNext(rig.server);
      server = await start(r.cpuProfDir);
      rig.server = server;
      rig.serverStartupMs = server.startupMs;
    },
    async close() {
      await stopNext(rig.server);
      rmSync(tmp, { recursive: true, force: true });
    },
  };
  return rig;
}

function oneStream(
  p: PathName,
  port: number,
  agent: http.Agent,
  key: string,
  jar: CookieJar,
  o: { prompt?: string; timeoutMs?: number; expectFrames?: number },
  ids: () => string,
): Promise<Sample> {
  const prompt = o.prompt ?? PROMPT;
  const timeoutMs = o.timeoutMs ?? 60_000;
  if (p === "chat") {
    const body = chatBody(prompt, ids);
    return streamOnce({
      port,
      path: "/api/chat",
      agent,
      body,
      isContent: UI_TEXT_DELTA,
      failOn: UI_ERROR,
      timeoutMs,
      headers: {
        "content-type": "application/json",
        cookie: jar.header(),
        "sec-fetch-site": "same-origin",
        "content-length": body.length,
      },
    });
  }
  const body = v1Body(prompt);
  return streamOnce({
    port,
    path: p === "v1" ? "/v1/chat/completions" : UPSTREAM_PATH,
    agent,
    body,
    isContent: V1_CONTENT,
    expectFrames: o.expectFrames ?? WORDS,
    timeoutMs,
    headers: {
      "content-type": "application/json",
      accept: "text/event-stream",
      authorization: `Bearer ${key}`,
      "content-length": body.length,
    },
  });
}
