import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { before, describe, test } from "node:test";
import { PASSWORD, signInWithCredentials } from "../support/http-auth";
import { addUser, readReply } from "./chat-session";
import { APP_URL, tag, upstreamRequestTagged } from "./helpers";

/**
 * A conversation's first message keeps its documents in the prompt when its reply is asked for again:
 * Regenerate, Retry after a failed reply, and an edit of that message (which sends no new files) all send
 * the file blocks, as the first send did and as any later turn does.
 */
let cookie: string;
before(async () => {
  const email = `chat-files-${randomUUID()}@example.com`;
  await addUser(email, PASSWORD);
  cookie = await signInWithCredentials(APP_URL, email, PASSWORD);
});

const headers = () => ({ cookie, origin: APP_URL, "sec-fetch-site": "same-origin" });

async function upload(name: string, text: string): Promise<string> {
  const r = await fetch(`${APP_URL}/api/attachments`, {
    method: "POST",
    headers: { ...headers(), "x-file-name": name, "content-type": "application/octet-stream" },
    body: text,
  });
  assert.equal(r.status, 201, await r.clone().text());
  return ((await r.json()) as { id: string }).id;
}

/**
 * A chat turn as the browser's transport sends it; until the last reply's claim is let go (just after its
 * stream ends) the server answers 409, as it would a person sending twice.
 */
async function turn(body: object): Promise<string> {
  for (let i = 0; ; i++) {
    const r = await fetch(`${APP_URL}/api/chat`, {
      method: "POST",
      headers: { ...headers(), "content-type": "application/json" },
      body: JSON.stringify({ model: "GLM-4-Flash", ...body }),
    });
    if (r.status === 409 && i < 50) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      continue;
    }
    assert.equal(r.status, 200, await r.clone().text());
    return (await readReply(r)).text;
  }
}

const message = (id: string, text: string) => ({ id, role: "user", parts: [{ type: "text", text }] });

/** The only user message of the latest upstream request that mentions `t`. */
async function sentUser(t: string): Promise<string> {
  const sent = (await upstreamRequestTagged(t))!.body.messages.filter((m) => m.role === "user");
  assert.equal(sent.length, 1);
  return String(sent[0].content);
}

/**
 * A new conversation whose first message carries notes.txt: its id, the message's id, the first reply's text,
 * and the file's block as the prompt has it.
 */
async function startWithFile(t: string, text = `What is the code word? ${t}`) {
  const note = `The code word is ${t}-WORD.`;
  const file = await upload("notes.txt", note);
  const id = randomUUID();
  const first = randomUUID();
  const reply = await turn({ id, trigger: "submit-message", message: message(first, text), attachments: [file] });
  return { id, first, reply, block: new RegExp(`<file name="notes.txt">\\n${note}`) };
}

describe("the first message's documents, when its reply is asked for again", () => {
  test("Regenerate sends the first message's file", async () => {
    const t = tag();
    const { id, block } = await startWithFile(t);
    assert.match(await sentUser(t), block);
    const before = (await upstreamRequestTagged(t))!.seq;
    await turn({ id, trigger: "regenerate-message" });
    assert.ok((await upstreamRequestTagged(t))!.seq > before, "Regenerate went upstream");
    assert.match(await sentUser(t), block);
  });

  test("Edit → Save and send of the first message keeps its file", async () => {
    const t = tag();
    const { id, first, block } = await startWithFile(t);
    // The same message id with new text and no files of its own, as the edit box sends it.
    await turn({ id, trigger: "submit-message", message: message(first, `Tell me the code word, ${t}`) });
    const edited = await sentUser(t);
    assert.match(edited, /Tell me the code word/);
    assert.match(edited, block);
  });

  test("Retry after the first reply failed sends its file", async () => {
    const t = tag();
    const { id, reply, block } = await startWithFile(t, `[fault-once:http500] What is the code word? ${t}`);
    assert.equal(reply, "", "the first reply failed");
    await turn({ id, trigger: "regenerate-message" });
    assert.match(await sentUser(t), block);
  });
});
