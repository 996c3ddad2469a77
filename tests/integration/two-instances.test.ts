import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import postgres from "postgres";
import { migratePostgres } from "@/db/engines/postgres";
import { PASSWORD, signUp } from "../support/http-auth";
import { startStandin } from "../upstream/server";

/**
 * Two production servers on one PostgreSQL database behind a round-robin proxy, as several instances run
 * behind one address: a session, a conversation, a live reply (resumed on the other instance), Stop and a
 * key's rate limit all work whichever instance a request lands on.
 *
 * Needs TEST_DATABASE_URL (a server on which a fresh database is created and dropped; npm test provides
 * it) and a build (NEXT_DIST_DIR, as npm test makes). Uses STANDIN_URL when given, else starts a stand-in.
 * The proxy sends a request carrying `x-instance: a|b` to that instance (the header is removed), any other
 * request round-robin: the tests pin requests where they must know which instance answers.
 */
const serverUrl = process.env.TEST_DATABASE_URL;
const skip = serverUrl
  ? false
  : "TEST_DATABASE_URL is not set: this test needs a PostgreSQL server (run it through `npm test`)";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const dbName = `glm_two_${process.pid}_${Date.now() % 1e6}`;
let admin: postgres.Sql | undefined;
let sql: postgres.Sql;
let dbUrl: string;
let standinUrl = process.env.STANDIN_URL;
let standin: http.Server | undefined;
const servers: ChildProcess[] = [];
let proxy: http.Server;
let base: string;
const targets: number[] = [];

function serverEnv(port: number): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PORT: String(port),
    HOSTNAME: "127.0.0.1",
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    DATABASE_URL: dbUrl,
    AUTH_SECRET: "two-instances-test-secret-0123456789",
    UPSTREAM_BASE_URL: `${standinUrl}/api/paas/v4`,
    UPSTREAM_API_KEY: "standin-key",
    RATE_LIMIT_KEY_RPM: "3",
  };
}

async function startServer(port: number) {
  const child = spawn(process.execPath, ["--max-old-space-size=192", "scripts/server.mjs"], {
    env: serverEnv(port),
    stdio: ["ignore", "pipe", "pipe"],
  });
  // Both streams, so that a server that does not come up says why (CI once saw one silent for 60 s).
  let output = "";
  const keep = (d: Buffer) => {
    output = (output + d).slice(-4000);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  servers.push(child);
  let health = "no answer";
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) throw new Error(`the server on :${port} exited (${child.exitCode}): ${output}`);
    const ok = await fetch(`http://127.0.0.1:${port}/api/health`).then(
      async (r) => {
        health = `${r.status} ${(await r.text()).slice(0, 200)}`;
        return r.ok;
      },
      (e: Error & { cause?: { code?: string; message?: string } }) => {
        // fetch says only "fetch failed": the cause (ECONNREFUSED, a reset, a timeout) is what tells why.
        health = `${e.message} (${e.cause?.code ?? e.cause?.message ?? "no cause"})`;
        return false;
      },
    );
    if (ok) return;
    await sleep(250);
  }
  throw new Error(`the server on :${port} did not start (last health check: ${health}): ${output}`);
}

/** Round-robin (or pinned by x-instance), bodies streamed both ways as they come. */
function startProxy(): Promise<void> {
  let turn = 0;
  proxy = http.createServer((req, res) => {
    const pin = req.headers["x-instance"];
    delete req.headers["x-instance"];
    const port = pin === "a" ? targets[0] : pin === "b" ? targets[1] : targets[turn++ % targets.length];
    const upstream = http.request(
      { host: "127.0.0.1", port, method: req.method, path: req.url, headers: req.headers, agent: false },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        res.flushHeaders();
        answer.pipe(res);
        // An instance that dies mid-answer: the client sees the connection break, not a clean end.
        answer.on("aborted", () => res.destroy());
        answer.on("error", () => res.destroy());
      },
    );
    upstream.on("error", () => {
      if (res.headersSent) return res.destroy();
      res.writeHead(502);
      res.end();
    });
    res.on("close", () => upstream.destroy());
    req.pipe(upstream);
  });
  return new Promise((resolve) =>
    proxy.listen(0, "127.0.0.1", () => {
      base = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      resolve();
    }),
  );
}

before(async () => {
  if (skip) return;
  admin = postgres(serverUrl!, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${dbName}" template template0 encoding 'UTF8'`);
  dbUrl = Object.assign(new URL(serverUrl!), { pathname: `/${dbName}` }).toString();
  await migratePostgres(dbUrl);
  sql = postgres(dbUrl, { max: 2, onnotice: () => {} });
  if (!standinUrl) {
    const s = await startStandin({ port: 0, wordDelayMs: 2, slowMs: 3000, log: false });
    standin = s.server;
    standinUrl = `http://127.0.0.1:${s.port}`;
  }
  const first = 6100 + Math.floor(Math.random() * 800);
  targets.push(first, first + 1);
  await Promise.all(targets.map(startServer));
  await startProxy();
});

after(async () => {
  for (const s of servers) s.kill("SIGKILL");
  proxy?.close();
  standin?.close();
  await sql?.end({ timeout: 1 });
  if (admin) {
    await admin.unsafe(`drop database if exists "${dbName}" with (force)`).catch(() => {});
    await admin.end();
  }
});

type Instance = "a" | "b";
const headers = (cookie: string, on?: Instance) => ({
  cookie,
  origin: base,
  "sec-fetch-site": "same-origin",
  ...(on ? { "x-instance": on } : {}),
});

/** Sign-up through the register form (its page from one instance, the post to the other), cookies kept. */
async function signUpAcross(email: string): Promise<string> {
  const across = { pageHeaders: { "x-instance": "a" }, postHeaders: { "x-instance": "b" } };
  const { error, jar } = await signUp(base, email, PASSWORD, across);
  assert.equal(error, undefined, `signing up ${email}`);
  return jar.header();
}

async function sessionEmail(cookie: string, on: Instance): Promise<string | undefined> {
  const s = await fetch(`${base}/api/auth/session`, { headers: { cookie, "x-instance": on } }).then((r) => r.json());
  return (s as { user?: { email?: string } } | null)?.user?.email;
}

function postChat(cookie: string, on: Instance, id: string, text: string, messageId = randomUUID()) {
  return fetch(`${base}/api/chat`, {
    method: "POST",
    headers: { ...headers(cookie, on), "content-type": "application/json" },
    body: JSON.stringify({
      id,
      trigger: "submit-message",
      model: "GLM-4-Flash",
      message: { id: messageId, role: "user", parts: [{ type: "text", text }] },
    }),
  });
}

interface Read {
  text: string;
  chunks: { type: string; messageMetadata?: { status?: string } }[];
  times: { at: number; length: number }[];
}

/** Reads a UI message stream to its end, noting when the text grew. */
async function read(res: Response, onText: (text: string) => void = () => {}): Promise<Read> {
  assert.equal(res.status, 200, `a reply stream (got ${res.status})`);
  const out: Read = { text: "", chunks: [], times: [] };
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const part of res.body! as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(part, { stream: true });
    let cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const line = buffer.slice(0, cut).replace(/^data: /, "");
      buffer = buffer.slice(cut + 2);
      if (!line || line === "[DONE]") continue;
      const chunk = JSON.parse(line);
      out.chunks.push(chunk);
      if (chunk.type === "text-delta") out.text += chunk.delta;
    }
    out.times.push({ at: performance.now(), length: out.text.length });
    onText(out.text);
  }
  return out;
}

/** B's reader of a reply A streams, once B has read `chars` characters of it (`done`: the whole read). */
async function readThroughB(id: string, chars: number): Promise<{ done: Promise<Read> }> {
  for (let i = 0; i < 100; i++) {
    const res = await fetch(`${base}/api/chat/${id}/stream`, { headers: { cookie, "x-instance": "b" } });
    if (res.status !== 200) {
      await sleep(50);
      continue;
    }
    let seen = "";
    const reading = read(res, (t) => {
      seen = t;
    });
    while (seen.length < chars) await sleep(20);
    return { done: reading };
  }
  assert.fail("B can read the reply");
}

async function savedReply(conversationId: string) {
  for (let i = 0; i < 40; i++) {
    const [row] = await sql<{ content: string; status: string }[]>`select content, status from messages
      where conversation_id = ${conversationId} and role = 'assistant' order by seq desc limit 1`;
    if (row && row.status !== "streaming") return row;
    await sleep(100);
  }
  throw new Error("the reply was not saved");
}

/**
 * A key through the real CLI. On PostgreSQL the CLI's pool keeps it alive until its idle connections time out
 * (60 s), so the key is taken from its output and the CLI ended then.
 */
function createKey(owner: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const cli = spawn("node_modules/.bin/tsx", ["scripts/keys.ts", "create", "--name", "two", "--email", owner], {
      env: serverEnv(0),
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    cli.stdout!.on("data", (d) => {
      out += d;
      const lines = out.split("\n");
      const at = lines.findIndex((l) => l.startsWith("Created key"));
      if (at >= 0 && lines.length > at + 2) {
        cli.kill();
        resolve(lines[at + 1].trim());
      }
    });
    cli.on("exit", (code) => reject(new Error(`keys create exited (${code}): ${out}`)));
  });
}

let cookie: string;
const email = `two-${randomUUID()}@example.com`;

const dead = { conversation: randomUUID(), reply: randomUUID() };

test("a session made through one instance works through the other", { skip }, async () => {
  cookie = await signUpAcross(email);
  assert.equal(await sessionEmail(cookie, "a"), email);
  assert.equal(await sessionEmail(cookie, "b"), email);
  // A reply an instance that died was writing (its claim 60 s stale): checked by the last test, once the
  // sweepers have had time to run.
  const [{ id: userId }] = await sql<{ id: string }[]>`select id from users where email = ${email}`;
  await sql`insert into conversations (id, user_id, title, model) values (${dead.conversation}, ${userId}, 'dead', 'GLM-4-Flash')`;
  await sql`insert into messages (id, conversation_id, role, content) values (${randomUUID()}, ${dead.conversation}, 'user', 'q')`;
  await sql`insert into messages (id, conversation_id, role, content, status, model)
    values (${dead.reply}, ${dead.conversation}, 'assistant', 'half a reply', 'streaming', 'GLM-4-Flash')`;
  const stale = Date.now() - 60_000;
  await sql`insert into live_replies (conversation_id, message_id, user_id, instance_id, started_at, heartbeat_at)
    values (${dead.conversation}, ${dead.reply}, ${userId}, 'dead-instance', ${stale}, ${stale})`;
});

test("a conversation written through A is read through B", { skip }, async () => {
  const id = randomUUID();
  const first = await read(await postChat(cookie, "a", id, "hello [words:12]"));
  assert.ok(first.text.length > 20);
  const page = await fetch(`${base}/chat/${id}`, { headers: { cookie, "x-instance": "b", accept: "text/html" } });
  assert.equal(page.status, 200);
  assert.ok((await page.text()).includes(first.text.split(" ").slice(0, 3).join(" ")), "B's page shows the reply");
});

test("a reply started through A is resumed through B live, to the same text as saved", { skip }, async () => {
  const id = randomUUID();
  const onA = read(await postChat(cookie, "a", id, "resume me [words:90] [delay:25]"));
  // Once the reply is well under way on A (its text saved), B's reader joins.
  const deadline = Date.now() + 10_000;
  let resumed: Response | undefined;
  while (Date.now() < deadline) {
    const [row] = await sql<
      { content: string }[]
    >`select content from messages where conversation_id = ${id} and role = 'assistant'`;
    if ((row?.content.length ?? 0) > 30) {
      resumed = await fetch(`${base}/api/chat/${id}/stream`, { headers: { cookie, "x-instance": "b" } });
      break;
    }
    await sleep(50);
  }
  assert.ok(resumed, "the reply got going on A");
  const onB = read(resumed);
  const [a, b] = await Promise.all([onA, onB]);
  const saved = await savedReply(id);
  assert.equal(saved.status, "complete");
  assert.equal(a.text, saved.content);
  assert.equal(b.text, saved.content, "B's reader got the same text");
  assert.ok(b.times.length > 3, "B's reader followed live, not in one piece at the end");
  assert.ok(
    b.chunks.some((c) => c.type === "finish"),
    "B's reader got the end",
  );
  // How far behind A's reader B's reader was: for each growth B saw, when A had first seen that much.
  const lags = b.times
    .slice(1)
    .map(({ at, length }) => at - a.times.find((s) => s.length >= length)!.at)
    .sort((x, y) => x - y);
  const pct = (p: number) => lags[Math.min(lags.length - 1, Math.floor(p * lags.length))].toFixed(0);
  console.log(
    `# cross-instance reader lag behind the owner's reader: median ${pct(0.5)} ms, p95 ${pct(0.95)} ms, ` +
      `max ${pct(1)} ms over ${lags.length} updates (${a.text.length} chars)`,
  );
});

test("Stop through B ends a reply running on A: saved as stopped, both readers end", { skip }, async () => {
  const id = randomUUID();
  const onA = read(await postChat(cookie, "a", id, "stop me [words:600] [delay:20]"));
  const onB = (await readThroughB(id, 40)).done;
  const stop = await fetch(`${base}/api/chat/${id}/stop`, {
    method: "POST",
    headers: { ...headers(cookie, "b"), "content-type": "application/json" },
    body: "{}",
  });
  assert.deepEqual(await stop.json(), { status: "stopped" });
  const [a, b] = await Promise.all([onA, onB]);
  const saved = await savedReply(id);
  assert.equal(saved.status, "stopped");
  for (const [who, r] of [
    ["A", a],
    ["B", b],
  ] as const) {
    assert.ok(
      r.chunks.some((c) => c.type === "message-metadata" && c.messageMetadata?.status === "stopped"),
      `${who}'s reader ends as stopped`,
    );
    assert.ok(r.text.split(" ").length < 600, `${who}'s reader did not get the whole reply`);
    assert.equal(r.text, saved.content, `${who}'s reader has the saved text`);
  }
  // The slot is free again at once, whichever instance takes the next turn.
  const next = await read(await postChat(cookie, "b", id, "again [words:5]"));
  assert.ok(next.text.length > 0);
});

test("two turns racing in one conversation through A and B: one streams, the other is refused", { skip }, async () => {
  const id = randomUUID();
  await read(await postChat(cookie, "a", id, "first [words:3]"));
  const [a, b] = await Promise.all([
    postChat(cookie, "a", id, "race a [words:20] [delay:10]"),
    postChat(cookie, "b", id, "race b [words:20] [delay:10]"),
  ]);
  assert.deepEqual([a.status, b.status].sort(), [200, 409]);
  const winner = a.status === 200 ? a : b;
  await (a.status === 200 ? b : a).arrayBuffer();
  assert.ok((await read(winner)).text.length > 0);
});

test("a stop that comes through B before its message reaches A refuses the message", { skip }, async () => {
  const id = randomUUID();
  const messageId = randomUUID();
  await read(await postChat(cookie, "a", id, "first [words:3]"));
  const stop = await fetch(`${base}/api/chat/${id}/stop`, {
    method: "POST",
    headers: { ...headers(cookie, "b"), "content-type": "application/json" },
    body: JSON.stringify({ messageId }),
  });
  assert.deepEqual(await stop.json(), { status: "not-running" });
  const late = await postChat(cookie, "a", id, "too late [words:3]", messageId);
  assert.equal(late.status, 409);
});

test("a key's rate limit counts requests through both instances", { skip }, async () => {
  const key = await createKey(email);
  const statuses: number[] = [];
  const left: (string | null)[] = [];
  // The windows are the clock's minutes: the four requests must not straddle one's end.
  const second = new Date().getSeconds();
  if (second > 55) await sleep((61 - second) * 1000);
  for (let i = 0; i < 4; i++) {
    const res = await fetch(`${base}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "GLM-4-Flash", messages: [{ role: "user", content: `hi ${i} [words:3]` }] }),
    });
    statuses.push(res.status);
    left.push(res.headers.get("x-ratelimit-remaining-requests"));
    await res.arrayBuffer();
  }
  assert.deepEqual(
    statuses,
    [200, 200, 200, 429],
    "the 4th request in a minute is refused, whichever instance it reached",
  );
  assert.deepEqual(left, ["2", "1", "0", "0"], "each answer says what is left of the shared budget");
});

test("a reply left streaming by an instance that died is marked interrupted, its text kept", { skip }, async () => {
  const stream = await fetch(`${base}/api/chat/${dead.conversation}/stream`, { headers: { cookie } });
  assert.equal(stream.status, 204, "a stale claim is not resumed");
  let row: { content: string; status: string } | undefined;
  for (let i = 0; i < 150; i++) {
    [row] = await sql<
      { content: string; status: string }[]
    >`select content, status from messages where id = ${dead.reply}`;
    if (row.status !== "streaming") break;
    await sleep(100);
  }
  assert.deepEqual(row, { content: "half a reply", status: "interrupted" });
});

// Last: it kills instance A.
test("when the instance running a reply dies, B's reader ends (interrupted) and the reply is saved as interrupted", {
  skip,
  timeout: 45_000,
}, async () => {
  const id = randomUUID();
  const onA = read(await postChat(cookie, "a", id, "die [words:2000] [delay:20]")).catch(() => undefined);
  const onB = (await readThroughB(id, 100)).done;
  // A saves every 250 ms: killed before its first save, it would have lost what it had, by design. What is
  // tested is that a saved text survives, so the kill waits for a save (a loaded CI machine once killed first).
  for (let i = 0; i < 100; i++) {
    const [saved] = await sql<{ length: number }[]>`select length(content) as length from messages
      where conversation_id = ${id} and role = 'assistant'`;
    if ((saved?.length ?? 0) > 50) break;
    await sleep(50);
  }
  const killedAt = Date.now();
  servers[0].kill("SIGKILL");
  await onA;
  const b = await onB;
  const endedAfter = Date.now() - killedAt;
  assert.ok(
    b.chunks.some((c) => c.type === "message-metadata" && c.messageMetadata?.status === "interrupted"),
    "B's reader ends as interrupted",
  );
  let row: { content: string; status: string } | undefined;
  for (let i = 0; i < 150; i++) {
    [row] = await sql<{ content: string; status: string }[]>`select content, status from messages
      where conversation_id = ${id} and role = 'assistant'`;
    if (row.status !== "streaming") break;
    await sleep(100);
  }
  assert.equal(row!.status, "interrupted");
  // A saves every 250 ms and B relays what A published, so either may be a little ahead of the other (CI once
  // saw B's reader behind the last save); neither may say anything the other did not.
  const saved = row!.content;
  let same = 0;
  while (same < saved.length && saved[same] === b.text[same]) same++;
  assert.ok(
    saved.length > 50 && (same === saved.length || same === b.text.length),
    `the text saved before the crash is kept (saved ${saved.length} characters, B's reader saw ` +
      `${b.text.length}, the same for the first ${same})`,
  );
  console.log(
    `# after SIGKILL of the owner: B's reader ended in ${endedAfter} ms, the reply was marked interrupted ` +
      `${Date.now() - killedAt} ms after the kill`,
  );
});
