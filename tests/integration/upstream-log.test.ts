/**
 * The operator's log when the model service fails: a rejected key, an address nothing answers on. People see
 * "The model service failed"; the server's log has to say why, without the credentials in UPSTREAM_BASE_URL.
 * Also what it says about a reverse proxy it does not trust.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import OpenAI from "openai";
import { createKey, sleep } from "./helpers";

let server: ChildProcess;
let upstream: http.Server;
let dir: string;
let base: string;
let key: string;
let log = "";
/** What the test's model service does with the next request. */
let mode: "reject" | "break" = "reject";

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "glm-upstream-log-"));
  upstream = http.createServer((_req, res) => {
    if (mode === "break") {
      // A reply that starts, then its connection is cut.
      res.writeHead(200, { "content-type": "text/event-stream" });
      const chunk = { id: "1", created: 1, model: "glm-4-flash", choices: [{ index: 0, delta: { content: "Hel" } }] };
      res.write(`data: ${JSON.stringify(chunk)}\n\n`);
      setTimeout(() => res.socket?.destroy(), 50);
      return;
    }
    // Zhipu's answer to a key it does not know.
    res.writeHead(401, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { code: "1000", message: "身份验证失败。" } }));
  });
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  const upstreamPort = (upstream.address() as AddressInfo).port;
  const port = 5750 + Math.floor(Math.random() * 200);
  base = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: `file:${dir}/app.db`,
    AUTH_SECRET: "upstream-log-test-secret-0123456789",
    UPSTREAM_API_KEY: "a-key-zhipu-rejects",
    UPSTREAM_BASE_URL: `http://operator:hunter2@127.0.0.1:${upstreamPort}/api/paas/v4`,
    NEXT_TELEMETRY_DISABLED: "1",
  };
  delete env.TRUST_PROXY;
  server = spawn(process.execPath, ["scripts/server.mjs"], {
    env: { ...env, PORT: String(port), HOSTNAME: "127.0.0.1", NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const keep = (d: Buffer) => {
    log += d;
  };
  server.stdout!.on("data", keep);
  server.stderr!.on("data", keep);
  for (let i = 0; i < 120; i++) {
    const up = await fetch(`${base}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    await sleep(250);
  }
  key = await createKey("log", undefined, env);
});

after(() => {
  try {
    process.kill(-server.pid!, "SIGTERM");
  } catch {}
  upstream?.close();
  rmSync(dir, { recursive: true, force: true });
});

const sdk = () => new OpenAI({ apiKey: key, baseURL: `${base}/v1`, maxRetries: 0 });
const ask = () =>
  sdk()
    .chat.completions.create({ model: "GLM-4-Flash", messages: [{ role: "user", content: "hi" }] })
    .then(
      () => assert.fail("the call should fail"),
      (e: { status?: number }) => e.status,
    );

/** The log's [upstream] lines once `count` of them have been written (a few seconds at most). */
async function upstreamLines(count: number): Promise<string[]> {
  for (let i = 0; i < 40; i++) {
    const lines = log.split("\n").filter((l) => l.startsWith("[upstream]"));
    if (lines.length >= count) return lines;
    await sleep(100);
  }
  return log.split("\n").filter((l) => l.startsWith("[upstream]"));
}

test("a key the model service rejects is logged once a minute, not once a request", async () => {
  assert.ok(await ask());
  assert.ok(await ask());
  assert.ok(await ask());
  const lines = await upstreamLines(1);
  assert.equal(lines.length, 1, `one line for three failures:\n${lines.join("\n")}`);
  assert.match(lines[0], /answered 401 \(upstream_auth_error\)/);
  assert.match(lines[0], /http:\/\/127\.0\.0\.1:\d+\/api\/paas\/v4\/chat\/completions/);
});

test("a reply whose connection breaks mid-stream is logged", async () => {
  mode = "break";
  const stream = await sdk().chat.completions.create({
    model: "GLM-4-Flash",
    messages: [{ role: "user", content: "hi" }],
    stream: true,
  });
  let text = "";
  await assert.rejects(async () => {
    for await (const c of stream) text += c.choices[0]?.delta.content ?? "";
  });
  assert.equal(text, "Hel");
  const lines = await upstreamLines(2);
  assert.match(
    lines.at(-1) ?? "",
    /(the connection to|a reply from) http:\/\/127\.0\.0\.1:\d+\/api\/paas\/v4 (broke mid-reply|ended before it finished)/,
  );
});

test("an address nothing answers on is logged with the connection's error", async () => {
  await new Promise<void>((resolve) => {
    upstream.close(() => resolve());
    upstream.closeAllConnections();
  });
  // The gateway's pooled connection sees its end before the next request is made.
  await sleep(200);
  assert.equal(await ask(), 502);
  const lines = await upstreamLines(3);
  assert.match(lines.at(-1) ?? "", /could not reach http:\/\/127\.0\.0\.1:\d+\/api\/paas\/v4: .*ECONNREFUSED/);
});

test("the credentials in UPSTREAM_BASE_URL and the key never reach the log", () => {
  assert.ok(log.includes("[upstream]"));
  assert.doesNotMatch(log, /hunter2|operator:|a-key-zhipu-rejects/);
});

test("a proxy on this host that TRUST_PROXY does not name is pointed out, once", async () => {
  assert.doesNotMatch(log, /TRUST_PROXY is not set/, "not without a proxy in front");
  // Next's request to itself after a server action's redirect: the original's headers (ours too) and its own
  // X-Forwarded-For. Not a proxy; warning a plain `npm start` would tell its operator to trust one.
  await fetch(`${base}/login`, { headers: { "x-forwarded-for": "127.0.0.1", "x-glm-client-ip": "127.0.0.1" } }).then(
    (r) => r.text(),
  );
  await sleep(200);
  assert.doesNotMatch(log, /TRUST_PROXY is not set/, "not for Next's own request");
  for (let i = 0; i < 3; i++)
    await fetch(`${base}/login`, { headers: { "x-forwarded-for": "203.0.113.9" } }).then((r) => r.text());
  for (let i = 0; i < 40 && !/TRUST_PROXY is not set/.test(log); i++) await sleep(50);
  assert.equal(log.match(/TRUST_PROXY is not set/g)?.length, 1);
});
