import assert from "node:assert/strict";
import { test } from "node:test";
import { LiveReply, SAVE_EVERY_BYTES, SAVE_EVERY_MS } from "@/lib/chat/live-replies";
import { compact } from "@/lib/chat/ui-frames";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  let out = "";
  const decoder = new TextDecoder();
  for await (const part of stream as unknown as AsyncIterable<Uint8Array>) out += decoder.decode(part);
  return out;
}

test("a reader that joins late gets the text so far in one piece, then the rest live", async () => {
  const reply = new LiveReply("r1", "c1", "u1", async () => {});
  reply.push({ type: "start", messageId: "r1" });
  reply.push({ type: "text-start", id: "t" });
  for (const word of ["one ", "two ", "three "]) reply.push({ type: "text-delta", id: "t", delta: word });
  const reading = readAll(reply.subscribe());
  await sleep(5);
  reply.push({ type: "text-delta", id: "t", delta: "four" });
  reply.push({ type: "text-end", id: "t" });
  reply.end();
  const frames = (await reading).trim().split("\n\n");
  assert.equal(frames.at(-1), "data: [DONE]");
  const deltas = frames.filter((f) => f.includes("text-delta")).map((f) => JSON.parse(f.slice(6)).delta);
  assert.deepEqual(deltas, ["one two three ", "four"]);
  assert.equal(reply.text, "one two three four");
});

test("compact merges only adjacent deltas of the same part", () => {
  assert.deepEqual(
    compact([
      { type: "text-delta", id: "a", delta: "x" },
      { type: "text-delta", id: "a", delta: "y" },
      { type: "text-delta", id: "b", delta: "z" },
      { type: "text-end", id: "b" },
      { type: "text-delta", id: "b", delta: "w" },
    ]),
    [
      { type: "text-delta", id: "a", delta: "xy" },
      { type: "text-delta", id: "b", delta: "z" },
      { type: "text-end", id: "b" },
      { type: "text-delta", id: "b", delta: "w" },
    ],
  );
});

test("the text is saved in batches: after SAVE_EVERY_MS, at once past SAVE_EVERY_BYTES, and at the end", async () => {
  const saved: string[] = [];
  const reply = new LiveReply("r2", "c2", "u1", async (t) => {
    saved.push(t);
  });
  for (let i = 0; i < 20; i++) reply.push({ type: "text-delta", id: "t", delta: "ab" });
  assert.equal(saved.length, 0, "not per token");
  await sleep(SAVE_EVERY_MS + 50);
  assert.deepEqual(saved, ["ab".repeat(20)]);
  reply.push({ type: "text-delta", id: "t", delta: "x".repeat(SAVE_EVERY_BYTES) });
  assert.equal(saved.length, 2, "a large piece is saved at once");
  reply.push({ type: "text-delta", id: "t", delta: "end" });
  reply.end();
  assert.equal(saved.at(-1), reply.text);
  await sleep(SAVE_EVERY_MS + 50);
  assert.equal(saved.length, 3, "nothing is saved after the end");
});

test("a continued reply replays its earlier text first, and stop() stops it", async () => {
  const reply = new LiveReply("r3", "c3", "u1", async () => {});
  reply.continueFrom("Earlier text. ");
  reply.push({ type: "start", messageId: "r3" });
  reply.push({ type: "text-delta", id: "t", delta: "More." });
  reply.stop();
  assert.equal(reply.stopped, true);
  assert.equal(reply.stopper.stopped, true);
  reply.end();
  const body = await readAll(reply.subscribe());
  assert.ok(body.indexOf("Earlier text.") < body.indexOf("More."));
  assert.equal(reply.text, "Earlier text. More.");
});

test("stopped while it thinks, a reply keeps its thinking time so far; one that answered keeps the answer's", async () => {
  const thinking = new LiveReply("r5", "c5", "u1", async () => {});
  thinking.push({ type: "start", messageId: "r5" });
  thinking.push({ type: "reasoning-start", id: "r" });
  thinking.push({ type: "reasoning-delta", id: "r", delta: "Let me see" });
  await new Promise((r) => setTimeout(r, 30));
  thinking.stop();
  assert.ok((thinking.extras.reasoningMs ?? 0) >= 25, `${thinking.extras.reasoningMs} ms`);
  thinking.end();
  // Readers following it get the time too (the fold reads "Thought for …").
  assert.match(await readAll(thinking.subscribe()), /"reasoningMs":\d+/);

  const answered = new LiveReply("r6", "c6", "u1", async () => {});
  answered.push({ type: "reasoning-delta", id: "r", delta: "Hmm" });
  answered.push({ type: "message-metadata", messageMetadata: { reasoningMs: 7 } });
  answered.push({ type: "text-delta", id: "t", delta: "Answer" });
  answered.stop();
  assert.equal(answered.extras.reasoningMs, 7);
  answered.end();
});

test("a tap (the shared registry on PostgreSQL) sees every chunk readers get, the continued text included, then the end", () => {
  const reply = new LiveReply("r4", "c4", "u1", async () => {});
  assert.equal(reply.tap, undefined, "no tap unless the shared registry sets one");
  const seen: unknown[] = [];
  let ended = 0;
  reply.tap = {
    chunks: (added) => seen.push(...added),
    end: () => {
      ended++;
    },
  };
  reply.continueFrom("Before. ");
  reply.push({ type: "start", messageId: "r4" });
  reply.push({ type: "text-delta", id: "t", delta: "After." });
  reply.end();
  reply.end();
  assert.deepEqual(seen, [
    { type: "start", messageId: "r4" },
    { type: "text-start", id: "earlier" },
    { type: "text-delta", id: "earlier", delta: "Before. " },
    { type: "text-end", id: "earlier" },
    { type: "text-delta", id: "t", delta: "After." },
  ]);
  assert.equal(ended, 1);
});

test("follow: what one turn pushed in one call; a full socket waits for resume, then gets everything since; the end once", async () => {
  const reply = new LiveReply("r9", "c9", "u1", async () => {});
  reply.push({ type: "start", messageId: "r9" });
  const calls: { text: string; done: boolean }[] = [];
  let room = true;
  const reader = reply.follow((text, done) => {
    calls.push({ text, done });
    return room;
  }, 0);
  assert.equal(calls.length, 1, "what is there already, at once");
  reply.push({ type: "text-start", id: "t" });
  reply.push({ type: "text-delta", id: "t", delta: "one " });
  reply.push({ type: "text-delta", id: "t", delta: "two " });
  assert.equal(calls.length, 1, "not per chunk");
  await sleep(1);
  assert.equal(calls.length, 2);
  assert.match(calls[1].text, /"delta":"one two "/);
  room = false;
  reply.push({ type: "text-delta", id: "t", delta: "three " });
  await sleep(1);
  assert.equal(calls.length, 3, "written, and told the socket is full");
  reply.push({ type: "text-delta", id: "t", delta: "four " });
  reply.push({ type: "text-delta", id: "t", delta: "five" });
  await sleep(1);
  assert.equal(calls.length, 3, "nothing while full");
  room = true;
  reader.resume();
  await sleep(1);
  assert.equal(calls.length, 4);
  assert.match(calls[3].text, /"delta":"four five"/);
  reply.push({ type: "text-end", id: "t" });
  await reply.end();
  await sleep(1);
  assert.equal(calls.length, 5);
  assert.deepEqual(
    calls.map((c) => c.done),
    [false, false, false, false, true],
  );
  assert.match(calls[4].text, /text-end[\s\S]*data: \[DONE\]\n\n$/);
  reader.resume();
  await sleep(1);
  assert.equal(calls.length, 5, "nothing after the end");
});

test("follow: text at most once a frame: the first delta at once with the reply's first frames, the next ones gathered, the end at once", async () => {
  const reply = new LiveReply("r11", "c11", "u1", async () => {});
  reply.push({ type: "start", messageId: "r11" });
  const calls: { text: string; at: number }[] = [];
  reply.follow((text) => calls.push({ text, at: performance.now() }) > 0, 40);
  reply.push({ type: "text-start", id: "t" });
  await sleep(2);
  assert.equal(calls.length, 0, "the reply's first frames wait for its first text");
  reply.push({ type: "text-delta", id: "t", delta: "one " });
  await sleep(1);
  assert.equal(calls.length, 1, "the first text at once, in one write with the frames before it");
  assert.match(calls[0].text, /"type":"start"[\s\S]*"type":"text-start"[\s\S]*"delta":"one "/);
  reply.push({ type: "text-delta", id: "t", delta: "two " });
  await sleep(2);
  reply.push({ type: "text-delta", id: "t", delta: "three " });
  await sleep(5);
  assert.equal(calls.length, 1, "gathered until a frame has passed");
  await sleep(45);
  assert.equal(calls.length, 2);
  assert.match(calls[1].text, /"delta":"two three "/);
  assert.ok(calls[1].at - calls[0].at >= 39, `sent ${calls[1].at - calls[0].at} ms after the first`);
  reply.push({ type: "text-delta", id: "t", delta: "four" });
  await sleep(2);
  assert.equal(calls.length, 2);
  reply.push({ type: "text-end", id: "t" });
  const endAt = performance.now();
  await reply.end();
  await sleep(1);
  assert.equal(calls.length, 3);
  assert.match(calls[2].text, /"delta":"four"[\s\S]*text-end[\s\S]*data: \[DONE\]\n\n$/);
  // Timed from the end itself, not from the frame before it (a busy machine stretched the sleeps above past the
  // old 30 ms bound): waiting for the frame would add most of its 40 ms here.
  assert.ok(calls[2].at - endAt < 20, `the end did not wait for the frame (${calls[2].at - endAt} ms)`);
});

test("follow: a reply slow to its first text still shows it started, a frame after", async () => {
  const reply = new LiveReply("r12", "c12", "u1", async () => {});
  const calls: { text: string; at: number }[] = [];
  const from = performance.now();
  reply.follow((text) => calls.push({ text, at: performance.now() }) > 0, 30);
  reply.push({ type: "start", messageId: "r12" });
  reply.push({ type: "start-step" });
  await sleep(10);
  assert.equal(calls.length, 0);
  await sleep(40);
  assert.equal(calls.length, 1, "sent once a frame had passed, without text");
  assert.ok(calls[0].at - from >= 29, `sent ${calls[0].at - from} ms in`);
  assert.match(calls[0].text, /"type":"start"[\s\S]*"type":"start-step"/);
  reply.push({ type: "text-start", id: "t" });
  reply.push({ type: "text-delta", id: "t", delta: "late" });
  await sleep(1);
  assert.equal(calls.length, 2, "the first text, when it comes, at once");
  assert.match(calls[1].text, /"delta":"late"/);
});

test("follow: a stopped reader hears nothing more, and the reply goes on", async () => {
  const reply = new LiveReply("r10", "c10", "u1", async () => {});
  const calls: string[] = [];
  const reader = reply.follow((text) => calls.push(text) > 0, 0);
  reply.push({ type: "start", messageId: "r10" });
  await sleep(1);
  reader.stop();
  reply.push({ type: "text-delta", id: "t", delta: "later" });
  await reply.end();
  await sleep(1);
  assert.equal(calls.length, 1);
  assert.match(calls[0], /"type":"start"/);
  assert.equal(reply.text, "later");
});
