/**
 * The frames one network read brought, written together (lib/http/node-response.ts ReadBatch): one write per
 * turn of the event loop, in order, with the socket's backpressure passed on and nothing written to a closed
 * response.
 */
import assert from "node:assert/strict";
import type { ServerResponse } from "node:http";
import { test } from "node:test";
import { ReadBatch } from "@/lib/http/node-response";

function fakeResponse() {
  const writes: string[] = [];
  const res = {
    destroyed: false,
    writableEnded: false,
    /** What the next write returns: false is a full socket. */
    room: true,
    destroyCalls: 0,
    destroy() {
      res.destroyCalls++;
    },
    socket: { writableCorked: 0, cork() {}, uncork() {} },
    write(frame: string) {
      writes.push(frame);
      return res.room;
    },
  };
  return { res, writes, batch: new ReadBatch(res as unknown as ServerResponse) };
}

const turnEnds = () => new Promise((resolve) => setImmediate(resolve));

test("the frames of one turn go out in one write, in order; the next turn's in the next", async () => {
  const { batch, writes } = fakeResponse();
  assert.equal(batch.write("data: 1\n\n"), true);
  batch.write("data: 2\n\n");
  batch.write("data: 3\n\n");
  assert.deepEqual(writes, [], "nothing is written while the read's chunks are still being handed over");
  await turnEnds();
  assert.deepEqual(writes, ["data: 1\n\ndata: 2\n\ndata: 3\n\n"]);
  batch.write("data: 4\n\n");
  await turnEnds();
  assert.deepEqual(writes, ["data: 1\n\ndata: 2\n\ndata: 3\n\n", "data: 4\n\n"]);
});

test("a full socket is reported on the next frame, until drained", async () => {
  const { res, batch, writes } = fakeResponse();
  res.room = false;
  assert.equal(batch.write("a"), true, "not known to be full before anything was written");
  await turnEnds();
  assert.equal(batch.write("b"), false, "full: the reader should pause");
  assert.equal(batch.behind, true, "the client is behind (no keep-alive pings meanwhile)");
  await turnEnds();
  assert.deepEqual(writes, ["a", "b"], "what was handed over is still written, in order");
  res.room = true;
  batch.drained();
  assert.equal(batch.behind, false);
  assert.equal(batch.write("c"), true);
});

test("take() hands over what is gathered for the last write; a closed response gets nothing", async () => {
  const { res, batch, writes } = fakeResponse();
  batch.write("x");
  batch.write("y");
  assert.equal(batch.take(), "xy");
  await turnEnds();
  assert.deepEqual(writes, [], "taken frames are not written twice");
  batch.write("z");
  res.destroyed = true;
  await turnEnds();
  assert.deepEqual(writes, []);
});

test("a write that throws ends that response, and nothing escapes the turn's end", async () => {
  const { res, batch } = fakeResponse();
  res.write = () => {
    throw new Error("socket gone");
  };
  const errors = console.error;
  console.error = () => {};
  try {
    batch.write("a");
    await turnEnds();
  } finally {
    console.error = errors;
  }
  assert.equal(res.destroyCalls, 1);
});

test("a stream's first frames go out at once; what follows in the same turn is gathered behind them", async () => {
  const { batch, writes } = fakeResponse();
  assert.equal(batch.writeFirst("head+1"), true);
  assert.deepEqual(writes, ["head+1"], "not held for the turn's end");
  batch.write("2");
  batch.writeFirst("3"); // something is gathered already: it waits its turn, in order
  assert.deepEqual(writes, ["head+1"]);
  await turnEnds();
  assert.deepEqual(writes, ["head+1", "23"]);
});
