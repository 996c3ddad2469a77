import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { before, describe, test } from "node:test";
import { PASSWORD, signInWithCredentials } from "../support/http-auth";
import { makeDocx, makeDocxBomb, makePdf } from "../support/documents";
import { addUser, readReply } from "./chat-session";
import { APP_URL, sqlRow, tag, upstreamRequestTagged } from "./helpers";

/**
 * Documents through the real server (npm start: scripts/server.mjs, proxy.ts, the route): uploads up to
 * 20 MB, refusals by name, ownership (another user can neither read nor send my file), the files in the
 * upstream request of their turn and of later turns, and their removal with the conversation.
 */
const MB = 1024 * 1024;
let mine: string;
let theirs: string;

before(async () => {
  const a = `attach-a-${randomUUID()}@example.com`;
  const b = `attach-b-${randomUUID()}@example.com`;
  await addUser(a, PASSWORD);
  await addUser(b, PASSWORD);
  mine = await signInWithCredentials(APP_URL, a, PASSWORD);
  theirs = await signInWithCredentials(APP_URL, b, PASSWORD);
});

const sameOrigin = (cookie: string) => ({ cookie, origin: APP_URL, "sec-fetch-site": "same-origin" });

function upload(cookie: string, name: string, body: Uint8Array | string, headers: Record<string, string> = {}) {
  return fetch(`${APP_URL}/api/attachments`, {
    method: "POST",
    headers: {
      ...sameOrigin(cookie),
      "x-file-name": encodeURIComponent(name),
      "content-type": "application/octet-stream",
      ...headers,
    },
    body: typeof body === "string" ? body : Buffer.from(body),
  });
}

interface Info {
  id: string;
  name: string;
  size: number;
  pages: number | null;
  tokens: number;
  error?: string;
  problem?: string;
}
const json = async (r: Response) => (await r.json()) as Info;

function turn(cookie: string, o: { id: string; text: string; attachments?: string[]; model?: string }) {
  return fetch(`${APP_URL}/api/chat`, {
    method: "POST",
    headers: { ...sameOrigin(cookie), "content-type": "application/json" },
    body: JSON.stringify({
      id: o.id,
      trigger: "submit-message",
      model: o.model ?? "GLM-4-Flash",
      message: { id: randomUUID(), role: "user", parts: [{ type: "text", text: o.text }] },
      attachments: o.attachments,
    }),
  });
}

describe("uploads", () => {
  test("text and PDF: extracted on the server, readable by their owner only", async () => {
    const note = await upload(mine, "笔记 notes.md", "# Plan\nship the 文档 feature\n");
    assert.equal(note.status, 201);
    const info = await json(note);
    assert.equal(info.name, "笔记 notes.md");
    assert.equal(info.pages, null);
    const pdf = await json(await upload(mine, "report.pdf", await makePdf(2, { line: (p) => `pdf page ${p}` })));
    assert.equal(pdf.pages, 2);
    const docx = await upload(mine, "memo.docx", await makeDocx(["Word paragraph 文"]));
    assert.equal(docx.status, 201);
    const memo = await fetch(`${APP_URL}/api/attachments/${(await json(docx)).id}`, { headers: { cookie: mine } });
    assert.match(((await memo.json()) as { text: string }).text, /Word paragraph 文/);

    const read = await fetch(`${APP_URL}/api/attachments/${pdf.id}`, { headers: { cookie: mine } });
    assert.equal(read.status, 200);
    assert.equal(read.headers.get("cache-control"), "private, no-store", "a document's text is never cached");
    assert.match(((await read.json()) as { text: string }).text, /pdf page 2/);
    // Another account: not found, and cannot remove it either.
    assert.equal((await fetch(`${APP_URL}/api/attachments/${pdf.id}`, { headers: { cookie: theirs } })).status, 404);
    const del = await fetch(`${APP_URL}/api/attachments/${pdf.id}`, { method: "DELETE", headers: sameOrigin(theirs) });
    assert.equal(del.status, 404);
    assert.equal((await fetch(`${APP_URL}/api/attachments/${pdf.id}`)).status, 401);
    // Its owner can remove it while it is pending.
    const gone = await fetch(`${APP_URL}/api/attachments/${info.id}`, {
      method: "DELETE",
      headers: sameOrigin(mine),
    });
    assert.equal(gone.status, 204);
  });

  test("refusals name the file and the limit; a 20 MB file passes npm start and the proxy", async () => {
    const big = await upload(mine, "big.txt", new Uint8Array(20 * MB).fill(0x61));
    assert.equal(big.status, 201, await big.clone().text());
    assert.equal((await json(big)).size, 20 * MB);
    const over = await upload(mine, "over.txt", new Uint8Array(20 * MB + 1).fill(0x61));
    assert.equal(over.status, 413);
    assert.deepEqual(await json(over), { error: "over.txt is larger than 20 MB.", problem: "too_large" });
    const png = await upload(mine, "photo.png", new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]));
    assert.equal(png.status, 415);
    assert.match((await json(png)).error!, /photo\.png/);
    const secret = await upload(mine, "secret.pdf", await makePdf(1, { password: "x" }));
    assert.equal(secret.status, 422);
    assert.equal((await json(secret)).problem, "encrypted");
  });

  test("a small file that inflates past what the server can read is refused, and the server stays up", async () => {
    // 180 KB that inflate to 60 MB of XML: read on the server's own thread, it ran npm start's heap out.
    const bomb = await upload(mine, "bomb.docx", await makeDocxBomb(60));
    assert.equal(bomb.status, 422, await bomb.clone().text());
    assert.equal((await json(bomb)).problem, "too_complex");
    assert.equal((await fetch(`${APP_URL}/api/health`)).status, 200);
    const after = await upload(mine, "after.docx", await makeDocx(["still reading"]));
    assert.equal(after.status, 201, await after.clone().text());
  });

  test("only this app's pages can upload: no X-File-Name or another site is refused", async () => {
    const bare = await fetch(`${APP_URL}/api/attachments`, { method: "POST", headers: sameOrigin(mine), body: "x" });
    assert.equal(bare.status, 400);
    const cross = await upload(mine, "a.txt", "x", { "sec-fetch-site": "cross-site" });
    assert.equal(cross.status, 403);
    assert.equal((await upload("", "a.txt", "x")).status, 401);
  });
});

describe("in the conversation", () => {
  test("files go upstream as named blocks before the text, in later turns too, and go with the conversation", async () => {
    const a = await json(await upload(mine, "alpha.md", "ALPHA-CONTENT"));
    const b = await json(await upload(mine, "beta.pdf", await makePdf(1, { line: () => "BETA-PDF-TEXT" })));
    const id = randomUUID();
    const first = tag();
    const res = await turn(mine, { id, text: `summarise ${first}`, attachments: [a.id, b.id] });
    assert.equal(res.status, 200);
    await readReply(res);
    const sent = (await upstreamRequestTagged(first))!;
    const user = JSON.stringify(sent.body.messages.at(-1));
    assert.match(user, /<file name=\\"alpha.md\\">\\nALPHA-CONTENT\\n<\/file>/);
    assert.match(user, /BETA-PDF-TEXT/);
    assert.ok(user.indexOf("alpha.md") < user.indexOf("beta.pdf") && user.indexOf("beta.pdf") < user.indexOf(first));

    const later = tag();
    // The first reply's claim on the conversation is let go just after its stream ends (on PostgreSQL, in
    // the shared table): a turn that comes in before then is told to wait (409), as a person would be.
    let next = await turn(mine, { id, text: `and now ${later}` });
    for (let i = 0; next.status === 409 && i < 50; i++) {
      await new Promise((r) => setTimeout(r, 100));
      next = await turn(mine, { id, text: `and now ${later}` });
    }
    assert.equal(next.status, 200, await next.clone().text());
    await readReply(next);
    assert.match(JSON.stringify((await upstreamRequestTagged(later))!.body.messages), /ALPHA-CONTENT/);
    // Sent: no longer removable as pending.
    assert.equal(
      (await fetch(`${APP_URL}/api/attachments/${a.id}`, { method: "DELETE", headers: sameOrigin(mine) })).status,
      404,
    );

    const count = async () =>
      Number(
        (await sqlRow<{ n: number }>("select count(*) as n from attachments where id in (?, ?)", [a.id, b.id]))!.n,
      );
    assert.equal(await count(), 2);
    await sqlRow("delete from conversations where id = ?", [id]);
    assert.equal(await count(), 0);
  });

  test("another user cannot send my file, and nothing of theirs is written", async () => {
    const uploaded = await upload(mine, "private.txt", "PRIVATE");
    assert.equal(uploaded.status, 201, await uploaded.clone().text());
    const a = await json(uploaded);
    const id = randomUUID();
    const res = await turn(theirs, { id, text: "steal", attachments: [a.id] });
    assert.equal(res.status, 409);
    assert.match(((await res.json()) as { error: string }).error, /no longer available/);
    assert.equal(await sqlRow("select id from conversations where id = ?", [id]), undefined);
    const row = await sqlRow<{ message_id: string | null }>("select message_id from attachments where id = ?", [a.id]);
    assert.equal(row!.message_id, null);
  });

  test("too much for GLM-4-AirX's 8K context: refused with a clear reply error, nothing sent upstream", async () => {
    const doc = await json(await upload(mine, "long.txt", "lorem ipsum ".repeat(8_000)));
    const t = tag();
    const res = await turn(mine, { id: randomUUID(), text: t, attachments: [doc.id], model: "GLM-4-AirX" });
    const { chunks } = await readReply(res);
    const error = chunks.find((c) => c.type === "error") as { errorText?: string } | undefined;
    assert.deepEqual(JSON.parse(error?.errorText ?? "{}"), {
      error:
        "This conversation is longer than the model's context window. Shorten it, or switch to a model with a longer one.",
      key: "replyContextTooLong",
      reply: true,
    });
    assert.equal(await upstreamRequestTagged(t), undefined);
  });
});
