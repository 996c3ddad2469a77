import assert from "node:assert/strict";
import { test } from "node:test";
import type { UIMessageChunk } from "ai";
import { type Batch, type Follower, FrameWriter, readNotice, remoteReader } from "@/lib/chat/shared-frames";

/**
 * The frames of a live reply between instances, without a database: the rows and the notices a FrameWriter
 * writes, and a remote reader fed by a fake source (the table as an array, notices by hand).
 */

const delta = (text: string): UIMessageChunk => ({ type: "text-delta", id: "t", delta: text });

async function readAll(stream: ReadableStream<Uint8Array>): Promise<{ text: string; done: boolean }> {
  let raw = "";
  const decoder = new TextDecoder();
  for await (const part of stream as unknown as AsyncIterable<Uint8Array>) raw += decoder.decode(part);
  const frames = raw.trim().split("\n\n");
  const text = frames
    .filter((f) => f.includes('"text-delta"'))
    .map((f) => JSON.parse(f.slice(6)).delta)
    .join("");
  return { text, done: frames.at(-1) === "data: [DONE]" };
}

/** A table of rows and a way to notify the reader's follower. */
function fakeSource() {
  const table: { n: number; frames: string }[] = [];
  let follower: Follower | undefined;
  const source = {
    follow: async (f: Follower) => {
      follower = f;
      return () => {
        follower = undefined;
      };
    },
    rows: async (from: number) => table.filter((r) => r.n >= from),
    abandoned: async () => false,
  };
  const write = (n: number, batch: Batch, notify: "batch" | "head" | "none" = "batch") => {
    table.push({ n, frames: JSON.stringify(batch) });
    if (notify !== "none") follower?.(n, notify === "batch" ? batch : undefined);
  };
  return { source, write, following: () => follower !== undefined };
}

test("a remote reader replays the rows so far, then follows the notices to the end row", async () => {
  const { source, write, following } = fakeSource();
  write(0, { c: [delta("one "), delta("two ")] });
  const reading = readAll(remoteReader(source));
  while (!following()) await new Promise((r) => setTimeout(r, 1));
  write(1, { c: [delta("three ")] });
  write(2, { c: [delta("four")], end: true });
  assert.deepEqual(await reading, { text: "one two three four", done: true });
  assert.equal(following(), false, "the reader stops following at the end");
});

test("a notice without its batch, or after a gap, makes the reader read the rows", async () => {
  const { source, write, following } = fakeSource();
  const reading = readAll(remoteReader(source));
  while (!following()) await new Promise((r) => setTimeout(r, 1));
  write(0, { c: [delta("a ")] }, "none"); // its notice was lost
  write(1, { c: [delta("b ")] }); // a gap: 0 was never notified
  await new Promise((r) => setTimeout(r, 5));
  write(2, { c: [delta("c")], end: true }, "head"); // too big to carry its batch
  assert.deepEqual(await reading, { text: "a b c", done: true });
});

test("a writer batches chunks into numbered rows, notices carry small batches, the end row is marked", async () => {
  const rows: { n: number; frames: string; notice: string }[] = [];
  const writer = new FrameWriter("m1", async (row) => {
    rows.push(row);
  });
  writer.add([delta("x"), delta("y")]);
  await new Promise((r) => setTimeout(r, 80));
  writer.add([delta("z".repeat(9000))]);
  writer.end();
  await new Promise<void>((resolve) => writer.afterWrites(async () => resolve(), "wait"));
  assert.deepEqual(
    rows.map((r) => r.n),
    [0, 1],
  );
  assert.deepEqual(JSON.parse(rows[0].frames), { c: [delta("xy")] }, "adjacent deltas are compacted");
  assert.deepEqual(readNotice(rows[0].notice), { n: 0, batch: JSON.parse(rows[0].frames) });
  assert.equal(rows[1].notice, "m1\n1", "a batch too big for a notice is read from its row");
  assert.equal(JSON.parse(rows[1].frames).end, true);
});
