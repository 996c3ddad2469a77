import Database from "better-sqlite3";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import OpenAI from "openai";
import { createKey, sleep } from "./helpers";
import { OwnServer } from "./own-server";
import { PASSWORD, signInWithCredentials } from "../support/http-auth";
import { addUser, postChat, readReply } from "./chat-session";

/**
 * SIGKILL the production server while chat replies and /v1 streams are running, start it again on the same
 * database, and check that nothing finished was lost, every interrupted reply kept its text (up to the last
 * fraction of a second), and every request has its ledger row.
 */
let dir: string;
let dbFile: string;
let base: string;
let server: OwnServer;

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "glm-crash-"));
  dbFile = path.join(dir, "app.db");
  server = new OwnServer(dbFile);
  base = server.base;
  await server.start();
});

after(() => {
  server?.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

const CHATS = 6;
const STREAMS = 6;
/** Long, slow replies: still running when the server is killed. */
const SLOW = "[words:2000] [delay:15]";

test("a SIGKILL mid-stream loses no finished message, keeps each interrupted reply's text and every ledger row", async () => {
  const email = `crash-${randomUUID()}@example.com`;
  await addUser(email, PASSWORD, `file:${dbFile}`);
  const cookie = await signInWithCredentials(base, email, PASSWORD);
  const key = await createKey("crash", email, server.env());

  // Two conversations that finish before the crash.
  const finished: { id: string; text: string }[] = [];
  for (let i = 0; i < 2; i++) {
    const id = randomUUID();
    const { text } = await readReply(await postChat(base, cookie, { id, text: `short ${i} [words:12]` }));
    finished.push({ id, text });
  }

  // Replies in flight: what each reader had seen, and when.
  const seen = Array.from({ length: CHATS }, () => [] as { at: number; text: string }[]);
  const chatIds = Array.from({ length: CHATS }, () => randomUUID());
  const chatReads = chatIds.map(async (id, i) =>
    readReply(await postChat(base, cookie, { id, text: `long ${i} ${SLOW}` }), (text) =>
      seen[i].push({ at: Date.now(), text }),
    ),
  );
  const sdk = new OpenAI({ apiKey: key, baseURL: `${base}/v1`, maxRetries: 0 });
  const apiReads = Array.from({ length: STREAMS }, async (_, i) => {
    try {
      const stream = await sdk.chat.completions.create({
        model: "GLM-4-Air",
        stream: true,
        messages: [{ role: "user", content: `api ${i} ${SLOW}` }],
      });
      for await (const _chunk of stream) {
        /* read until the server dies */
      }
    } catch {
      // expected: the connection breaks
    }
  });

  // Let every reply get well under way (past the ledger's 1 s progress write), then kill.
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && seen.some((s) => (s.at(-1)?.text.split(" ").length ?? 0) < 40)) await sleep(50);
  await sleep(1200);
  const killedAt = Date.now();
  server.kill("SIGKILL");
  await Promise.all([...chatReads, ...apiReads]);
  await server.start();

  const db = new Database(dbFile, { readonly: true });
  try {
    assert.equal(db.pragma("integrity_check", { simple: true }), "ok");
    for (const f of finished) {
      const reply = db
        .prepare("select m.content, m.status from messages m where conversation_id = ? and role = 'assistant'")
        .get(f.id) as { content: string; status: string };
      assert.equal(reply.status, "complete");
      assert.equal(reply.content, f.text);
    }
    for (const [i, id] of chatIds.entries()) {
      const reply = db
        .prepare("select content, status from messages where conversation_id = ? and role = 'assistant'")
        .get(id) as { content: string; status: string };
      assert.equal(reply.status, "interrupted", `reply ${i} is marked interrupted`);
      const sawBeforeKill = seen[i].filter((s) => s.at <= killedAt).at(-1)?.text ?? "";
      // What the reader had seen 400 ms before the kill is saved (text is written at least every 250 ms).
      const sawEarlier = seen[i].filter((s) => s.at <= killedAt - 400).at(-1)?.text ?? "";
      assert.ok(sawEarlier.length > 50, `reply ${i} had streamed text before the kill`);
      assert.ok(
        reply.content.length >= sawEarlier.length,
        `reply ${i}: saved ${reply.content.length} chars, the reader saw ${sawEarlier.length} 400 ms before the kill`,
      );
      assert.ok(
        sawBeforeKill.startsWith(reply.content) || reply.content.startsWith(sawBeforeKill),
        `reply ${i}: saved text matches what was streamed`,
      );
    }
    const rows = db
      .prepare("select source, status, error_code as code, completion_tokens as tokens from usage")
      .all() as { source: string; status: number; code: string | null; tokens: number }[];
    assert.equal(rows.length, 2 + CHATS + STREAMS, "one ledger row per request");
    assert.equal(rows.filter((r) => r.status === 0).length, 0, "no request is left in progress");
    const interrupted = rows.filter((r) => r.code === "interrupted");
    assert.equal(interrupted.filter((r) => r.source === "chat").length, CHATS);
    assert.equal(interrupted.filter((r) => r.source === "api").length, STREAMS);
    for (const r of interrupted) assert.ok(r.tokens > 0, "an interrupted request keeps the tokens counted so far");
    const rolled = db.prepare("select sum(requests) as n from usage_hourly").get() as { n: number };
    assert.equal(rolled.n, rows.length, "the hourly roll-up counts every request once");
  } finally {
    db.close();
  }

  // The page shows the reply as Interrupted, with its text, and nothing is left to resume.
  const page = await fetch(`${base}/chat/${chatIds[0]}`, { headers: { cookie } }).then((r) => r.text());
  assert.match(page, /Interrupted/);
  const resume = await fetch(`${base}/api/chat/${chatIds[0]}/stream`, { headers: { cookie } });
  assert.equal(resume.status, 204);
});
