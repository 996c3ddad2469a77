import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { before, test } from "node:test";
import { APP_URL, sleep } from "./helpers";
import { PASSWORD, signInWithCredentials } from "../support/http-auth";
import { addUser, postChat, readReply } from "./chat-session";

/**
 * No single request takes the server down: a 200 MB body to any door gets a 413 (or, past 64 MiB of an
 * undeclared body, a closed connection), and the server keeps answering meanwhile.
 */
const MB = 1024 * 1024;
let cookie: string;

before(async () => {
  const email = `limits-${randomUUID()}@example.com`;
  await addUser(email, PASSWORD);
  cookie = await signInWithCredentials(APP_URL, email, PASSWORD);
});

/** A body of `total` bytes sent in 1 MiB pieces, with no Content-Length (chunked), unless `declare`. */
async function postHuge(path: string, headers: Record<string, string>, { total = 200 * MB, declare = false } = {}) {
  let sent = 0;
  const piece = new Uint8Array(MB).fill(0x61);
  const body = new ReadableStream<Uint8Array>({
    pull(c) {
      if (sent >= total) return c.close();
      sent += piece.length;
      c.enqueue(piece);
    },
  });
  const health: number[] = [];
  let probing = true;
  const probe = (async () => {
    while (probing) {
      const t = Date.now();
      const ok = await fetch(`${APP_URL}/api/health`).then(
        (r) => r.ok,
        () => false,
      );
      health.push(ok ? Date.now() - t : Infinity);
      await sleep(200);
    }
  })();
  let status: number | "closed";
  try {
    const res = await fetch(`${APP_URL}${path}`, {
      method: "POST",
      body,
      duplex: "half",
      headers: { ...headers, ...(declare ? { "content-length": String(total) } : {}) },
    } as RequestInit);
    status = res.status;
    await res.body?.cancel();
  } catch {
    status = "closed";
  }
  probing = false;
  await probe;
  return { status, health, sentMb: sent / MB };
}

function assertSurvived(r: { health: number[] }) {
  assert.ok(
    r.health.every((ms) => ms < 1000),
    `/api/health answered within 1 s throughout: ${r.health.join(", ")}`,
  );
}

test("a declared 200 MB body is refused with 413 on every door", async () => {
  for (const [path, headers] of [
    ["/api/chat", { "content-type": "application/json", cookie }],
    ["/v1/chat/completions", { "content-type": "application/json", authorization: "Bearer sk-glm-x" }],
    ["/api/auth/callback/credentials", { "content-type": "application/x-www-form-urlencoded" }],
    ["/", { "content-type": "text/plain;charset=UTF-8", "next-action": "0".repeat(42), cookie }],
  ] as const) {
    const r = await postHuge(path, headers, { declare: true });
    assert.ok(r.status === 413 || r.status === "closed", `${path}: ${r.status}`);
    assertSurvived(r);
  }
});

test("an undeclared (chunked) 200 MB body is refused without filling the heap", async () => {
  for (const [path, headers] of [
    ["/api/chat", { "content-type": "application/json", cookie, origin: APP_URL }],
    ["/v1/chat/completions", { "content-type": "application/json", authorization: "Bearer sk-glm-x" }],
    ["/api/auth/callback/credentials", { "content-type": "application/x-www-form-urlencoded" }],
    ["/", { "content-type": "multipart/form-data; boundary=x", "next-action": "0".repeat(42), cookie }],
  ] as const) {
    const r = await postHuge(path, headers);
    assert.ok(r.status === "closed" || (r.status >= 400 && r.status < 500), `${path}: ${r.status}`);
    assertSurvived(r);
  }
  // Still whole: a chat turn works after all that.
  const { text } = await readReply(
    await postChat(APP_URL, cookie, { id: randomUUID(), text: "still alive? [words:5]" }),
  );
  assert.ok(text.length > 0);
});

test("a chat body just over the cap gets a readable 413; a cross-site POST gets 403 and creates nothing", async () => {
  const big = JSON.stringify({
    id: randomUUID(),
    trigger: "submit-message",
    model: "GLM-4-Flash",
    message: { id: randomUUID(), role: "user", parts: [{ type: "text", text: "x".repeat(5 * MB) }] },
  });
  const res = await fetch(`${APP_URL}/api/chat`, {
    method: "POST",
    body: big,
    headers: { "content-type": "application/json", cookie, "sec-fetch-site": "same-origin" },
  });
  assert.equal(res.status, 413);
  assert.match(((await res.json()) as { error: string }).error, /too large/);

  const id = randomUUID();
  const forged = await fetch(`${APP_URL}/api/chat`, {
    method: "POST",
    headers: { "content-type": "text/plain", cookie, "sec-fetch-site": "same-site", origin: "http://127.0.0.1:4299" },
    body: JSON.stringify({
      id,
      trigger: "submit-message",
      model: "GLM-4-Flash",
      message: { id: randomUUID(), role: "user", parts: [{ type: "text", text: "forged" }] },
    }),
  });
  assert.equal(forged.status, 403);
  const page = await fetch(`${APP_URL}/chat/${id}`, { headers: { cookie } });
  assert.equal(page.status, 404);
});
