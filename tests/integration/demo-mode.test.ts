/** A first run with no UPSTREAM_API_KEY: the built-in demo upstream answers, and says so. */
import assert from "node:assert/strict";
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { promisify } from "node:util";
import { existsSync, statSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import OpenAI from "openai";
import { createKey, sleep } from "./helpers";

let server: ChildProcess;
let dir: string;
let base: string;
let key: string;
/** /register as it was before any account existed. */
let registerWithNoAccount = "";
/** The server's environment, for the command-line tools run against its database. */
let env: NodeJS.ProcessEnv;

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "glm-demo-"));
  const port = 5200 + Math.floor(Math.random() * 500);
  base = `http://127.0.0.1:${port}`;
  env = {
    ...process.env,
    DATABASE_URL: `file:${dir}/data/app.db`,
    UPSTREAM_MODEL_MAP: "GLM-4-Flash=glm4:9b",
    NEXT_TELEMETRY_DISABLED: "1",
    RATE_LIMIT_KEY_RPM: "5",
    ALLOW_REGISTRATION: "false",
  };
  delete env.UPSTREAM_API_KEY;
  delete env.UPSTREAM_BASE_URL;
  delete env.AUTH_SECRET;
  server = spawn(process.execPath, ["scripts/server.mjs"], {
    env: { ...env, PORT: String(port), HOSTNAME: "127.0.0.1", NODE_ENV: "production" },
    stdio: "ignore",
    detached: true,
  });
  for (let i = 0; i < 120; i++) {
    if (
      await fetch(`${base}/api/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    await sleep(250);
  }
  registerWithNoAccount = await (await fetch(`${base}/register`)).text();
  key = await createKey("demo", undefined, env);
});

after(() => {
  try {
    process.kill(-server.pid!, "SIGTERM");
  } catch {}
  rmSync(dir, { recursive: true, force: true });
});

describe("zero-configuration first run", () => {
  test("the database is created and migrated, and a session secret is kept in the data folder", async () => {
    assert.deepEqual(await (await fetch(`${base}/api/health`)).json(), { status: "ok" });
    assert.ok(existsSync(path.join(dir, "data/app.db")));
    assert.ok(existsSync(path.join(dir, "data/.auth-secret")));
    // Nobody else on the machine reads the conversations or the password hashes.
    assert.equal(statSync(path.join(dir, "data")).mode & 0o777, 0o700);
    for (const f of ["app.db", ".auth-secret"])
      assert.equal(statSync(path.join(dir, "data", f)).mode & 0o777, 0o600, f);
  });

  test("the demo upstream streams a deterministic reply, through UPSTREAM_MODEL_MAP", async () => {
    const sdk = new OpenAI({ apiKey: key, baseURL: `${base}/v1`, maxRetries: 0 });
    const s = await sdk.chat.completions.create({
      model: "GLM-4-Flash",
      stream: true,
      messages: [{ role: "user", content: "请介绍一下智谱AI" }],
    });
    let text = "";
    let pieces = 0;
    for await (const c of s) {
      if (c.choices[0]?.delta.content) pieces++;
      text += c.choices[0]?.delta.content ?? "";
    }
    assert.ok(pieces > 10);
    // In the message's language, as a model would answer it.
    assert.match(text, /^这是 glm4:9b（演示上游）的模拟回复。你写道：“请介绍一下智谱AI”/);
    assert.match(text, /UPSTREAM_API_KEY/);
    const again = await sdk.chat.completions.create({
      model: "GLM-4-Flash",
      messages: [{ role: "user", content: "请介绍一下智谱AI" }],
    });
    assert.equal(again.choices[0].message.content, text, "deterministic");
  });

  test("the demo upstream supports tool calls", async () => {
    const sdk = new OpenAI({ apiKey: key, baseURL: `${base}/v1`, maxRetries: 0 });
    const r = await sdk.chat.completions.create({
      model: "GLM-4-Air",
      messages: [{ role: "user", content: "Tokyo" }],
      tools: [
        {
          type: "function",
          function: { name: "lookup", parameters: { type: "object", properties: { q: { type: "string" } } } },
        },
      ],
    });
    assert.equal(r.choices[0].finish_reason, "tool_calls");
  });

  test("a key over its rate limit gets 429 with retry-after and the OpenAI error JSON", async () => {
    const limited = await createKey("limited", undefined, { ...process.env, DATABASE_URL: `file:${dir}/data/app.db` });
    // OpenAI's headers say what is left of the limit, on replies and streams alike. The windows are the clock's
    // minutes: five requests must not straddle one's end.
    const second = new Date().getSeconds();
    if (second > 54) await sleep((61 - second) * 1000);
    const left: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${base}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${limited}`, "content-type": "application/json" },
        body: JSON.stringify({
          model: "GLM-4-Flash",
          messages: [{ role: "user", content: `n${i}` }],
          stream: i % 2 === 1,
        }),
      });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("x-ratelimit-limit-requests"), "5");
      assert.match(res.headers.get("x-ratelimit-reset-requests") ?? "", /^(\d+ms|\d+(\.\d)?s|1m0s)$/);
      left.push(res.headers.get("x-ratelimit-remaining-requests") ?? "none");
      await res.text();
    }
    assert.deepEqual(left, ["4", "3", "2", "1", "0"]);
    const res = await fetch(`${base}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${limited}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "GLM-4-Flash", messages: [{ role: "user", content: "one too many" }] }),
    });
    assert.equal(res.status, 429);
    assert.equal(res.headers.get("x-ratelimit-remaining-requests"), "0");
    const retryAfter = Number(res.headers.get("retry-after"));
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `retry-after ${retryAfter}`);
    const body = (await res.json()) as { error: { code: string; type: string; message: string } };
    assert.equal(body.error.code, "rate_limit_exceeded");
    assert.match(body.error.message, /5 requests per minute/);
    // Another key of the same account is not held back by this key's limit.
    const other = await new OpenAI({ apiKey: key, baseURL: `${base}/v1`, maxRetries: 0 }).chat.completions.create({
      model: "GLM-4-Flash",
      messages: [{ role: "user", content: "still fine" }],
    });
    assert.equal(other.choices[0].finish_reason, "stop");
  });

  test("ALLOW_REGISTRATION=false closes sign-up, and says how the first account is made", async () => {
    // The page's alert as rendered (every page also carries the whole message catalogue in its payload, so
    // a sentence found anywhere in the HTML proves nothing).
    const alert = (html: string) =>
      /<p role="alert"[^>]*>([\s\S]*?)<\/p>/
        .exec(html)?.[1]
        .replace(/<[^>]+>/g, "")
        .replace(/<!-- -->/g, "");
    const noAccount =
      "This server has no accounts yet, and sign-up is closed. Its operator makes the first one, an admin, on " +
      "the server: npm run users -- create --email you@example.com --admin";
    // No account yet: nobody could add one from a browser, so the operator's command is named.
    assert.equal(alert(registerWithNoAccount), noAccount);
    assert.doesNotMatch(registerWithNoAccount, /Create account<\/button>/);
    // The keys CLI's API-only account (made in before()) cannot sign in, so it changes nothing.
    assert.equal(alert(await (await fetch(`${base}/register`)).text()), noAccount);
    // Once someone can sign in, people are sent to the admins.
    await promisify(execFile)("node_modules/.bin/tsx", ["scripts/users.ts", "create", "--email", "boss@example.com"], {
      env,
    });
    const html = await (await fetch(`${base}/register`)).text();
    assert.equal(
      alert(html),
      "Sign-up is closed on this server. Ask one of its admins for an account (Settings → Users).",
    );
    assert.doesNotMatch(html, /Create account<\/button>/);
    // The sign-in page offers no way to a sign-up that would refuse.
    assert.doesNotMatch(await (await fetch(`${base}/login`)).text(), /href="\/register/);
  });

  test("the page says plainly that replies are simulated and which variable to set", async () => {
    const html = await (await fetch(base)).text();
    // The banner as rendered, not the sentence in the page's message catalogue.
    assert.match(
      html,
      /<span class="hidden sm:inline">Demo mode: replies are simulated[^<]*<code[^>]*>UPSTREAM_API_KEY/,
    );
  });
});
