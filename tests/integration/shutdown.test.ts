import Database from "better-sqlite3";
import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { randomUUID } from "node:crypto";
import { PASSWORD, signInWithCredentials } from "../support/http-auth";
import { addUser, postChat, readReply } from "./chat-session";
import { createKey, sleep } from "./helpers";
import { OwnServer } from "./own-server";

/**
 * Stopping `npm start` (scripts/server.mjs): on SIGTERM the replies in progress run to their end, then the
 * process exits at once (not after a browser's idle keep-alive connection times out), having written and
 * committed its last ledger rows and copied the log into the database file; a second SIGTERM exits now, and
 * the next start marks what it cut off as interrupted.
 */
let dir: string;
let dbFile: string;
let server: OwnServer;
let key: string;

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "glm-shutdown-"));
  dbFile = path.join(dir, "app.db");
  server = new OwnServer(dbFile);
  await server.start();
  key = await createKey("shutdown", undefined, server.env());
});

after(() => {
  server?.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

/** A connection kept open between requests, as a browser's is. */
const agent = new http.Agent({ keepAlive: true });

/** POSTs a completion; resolves with the response once its head arrives. */
function complete(content: string, stream: boolean): Promise<http.IncomingMessage> {
  const body = JSON.stringify({ model: "GLM-4-Flash", stream, messages: [{ role: "user", content }] });
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${server.base}/v1/chat/completions`,
      {
        method: "POST",
        agent,
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      },
      resolve,
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** Reads a streamed completion: the words of its content chunks, whether `[DONE]` came, and the first chunk's arrival. */
function readStream(res: http.IncomingMessage, onFirst: () => void) {
  return new Promise<{ words: number; done: boolean; text: string }>((resolve) => {
    let text = "";
    let words = 0;
    let first = true;
    res.setEncoding("utf8");
    res.on("data", (chunk: string) => {
      text += chunk;
      words = (text.match(/"content":"[^"]/g) ?? []).length;
      if (first && words > 0) {
        first = false;
        onFirst();
      }
    });
    const end = () => resolve({ words, done: text.includes("data: [DONE]"), text });
    res.on("end", end);
    res.on("error", end);
    res.on("close", end);
  });
}

const usageRows = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return db
      .prepare("select status, error_code as code, completion_tokens as tokens from usage order by id")
      .all() as { status: number; code: string | null; tokens: number }[];
  } finally {
    db.close();
  }
};

test("SIGTERM: the reply in progress ends whole, then the server exits at once, its database file whole", async () => {
  // A request answered before the stop leaves its connection open and idle.
  const quick = await complete("hello [words:3]", false);
  assert.equal(quick.statusCode, 200);
  quick.resume();
  await new Promise((r) => quick.on("end", r));

  const streaming = await complete("a slow reply [words:30] [delay:40]", true);
  let started!: () => void;
  const firstChunk = new Promise<void>((r) => (started = r));
  const reading = readStream(streaming, started);
  await firstChunk;
  server.kill("SIGTERM");
  const exited = server.exited();

  const read = await reading;
  const endedAt = Date.now();
  assert.deepEqual([read.words, read.done], [30, true], "the reply in progress runs to its end");
  assert.equal(await exited, 0);
  // Before, the idle connection held the exit for the server's keep-alive timeout (5 s).
  assert.ok(Date.now() - endedAt < 2500, `exited ${Date.now() - endedAt} ms after the last reply ended`);

  // The log was copied into the file: the file alone has both requests, completed.
  assert.equal(existsSync(`${dbFile}-wal`) ? statSync(`${dbFile}-wal`).size : 0, 0);
  const copy = path.join(dir, "copy.db");
  copyFileSync(dbFile, copy);
  const rows = usageRows(copy);
  assert.deepEqual(
    rows.map((r) => r.status),
    [200, 200],
  );
  assert.ok(rows[1].tokens >= 30, `the stream's tokens are counted (${rows[1].tokens})`);
});

test("a second SIGTERM exits now; the next start marks the cut-off request interrupted", async () => {
  await server.start();
  const streaming = await complete("a very slow reply [words:400] [delay:40]", true);
  let started!: () => void;
  const firstChunk = new Promise<void>((r) => (started = r));
  const reading = readStream(streaming, started);
  await firstChunk;
  const exited = server.exited();
  server.kill("SIGTERM");
  await sleep(300);
  assert.equal(server.process?.exitCode, null, "still serving the reply after the first signal");
  const signalledAgain = Date.now();
  server.kill("SIGTERM");
  assert.equal(await exited, 0);
  assert.ok(Date.now() - signalledAgain < 2500, "exited at the second signal, long before the reply's end (16 s)");
  const read = await reading;
  assert.equal(read.done, false, "the reply was cut off");

  await server.start();
  const last = usageRows(dbFile).at(-1)!;
  assert.equal(last.code, "interrupted");
  // The tokens it had streamed were counted as it exited (the ledger's periodic progress comes once a second,
  // later than this stream's end): at least the estimate of the text its reader got.
  const content = [...read.text.matchAll(/^data: (\{.*\})$/gm)]
    .map((m) => JSON.parse(m[1]).choices?.[0]?.delta?.content ?? "")
    .join("");
  assert.ok(content.length > 0);
  assert.ok(
    last.tokens >= Math.ceil(content.length / 4),
    `${last.tokens} tokens counted; the reader got ${content.length} characters`,
  );
});

test("a chat reply cut off by a second SIGTERM keeps all the text its reader saw", async () => {
  if (!server.running) await server.start();
  const email = `shutdown-${randomUUID()}@example.com`;
  await addUser(email, PASSWORD, `file:${dbFile}`);
  const cookie = await signInWithCredentials(server.base, email, PASSWORD);
  const id = randomUUID();
  let seen = "";
  const reading = readReply(
    await postChat(server.base, cookie, { id, text: "at length [words:400] [delay:20]" }),
    (t) => {
      seen = t;
    },
  );
  while (seen.split(" ").length < 30) await sleep(10);
  const exited = server.exited();
  server.kill("SIGTERM");
  // Two signals sent together arrive as one.
  await sleep(300);
  server.kill("SIGTERM");
  await exited;
  await reading;
  const sawAtExit = seen;

  await server.start();
  const db = new Database(dbFile, { readonly: true });
  try {
    const reply = db
      .prepare("select content, status from messages where conversation_id = ? and role = 'assistant'")
      .get(id) as { content: string; status: string };
    assert.equal(reply.status, "interrupted");
    // Without the save at exit the reply lost what came after its last periodic save (up to 250 ms, ~12 words).
    assert.ok(
      reply.content.startsWith(sawAtExit),
      `saved ${reply.content.length} chars; the reader had seen ${sawAtExit.length}`,
    );
  } finally {
    db.close();
  }
});

test("a second server on the same SQLite file waits for the first to finish its replies and stop", async () => {
  if (!server.running) await server.start();
  const streaming = await complete("a reply that outlasts the next start [words:100] [delay:40]", true);
  let started!: () => void;
  const firstChunk = new Promise<void>((r) => (started = r));
  const reading = readStream(streaming, started);
  await firstChunk;

  // Started while the first still streams (a restart that overlaps): before, it marked that request
  // interrupted at its start-up, and the first server's completion could not undo it.
  const next = new OwnServer(dbFile);
  let nextUpAt = 0;
  const nextUp = next.start().then(() => {
    nextUpAt = Date.now();
  });
  try {
    await sleep(2000);
    assert.equal(nextUpAt, 0, "the second server does not answer while the first holds the file");
    const exited = server.exited();
    server.kill("SIGTERM");
    const read = await reading;
    assert.deepEqual([read.words, read.done], [100, true], "the first server's reply ran to its end");
    assert.equal(await exited, 0);
    const exitedAt = Date.now();
    await nextUp;
    assert.ok(nextUpAt >= exitedAt - 50, "the second server started once the first had exited");
    const last = usageRows(dbFile).at(-1)!;
    assert.deepEqual([last.status, last.code], [200, null], "the finished request is not marked interrupted");
    assert.ok(last.tokens >= 100);
  } finally {
    next.kill("SIGKILL");
    await next.exited();
  }
});
