/**
 * Keep-alive comments from one timer for every stream (lib/http/idle-pings.ts): a stream silent for the idle
 * time is pinged within half that again, one that writes or whose client is behind is not, and a stream no
 * longer watched never is.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { type IdleStream, pingWhileIdle } from "@/lib/http/idle-pings";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function stream(o: { behind?: boolean } = {}) {
  const pings: number[] = [];
  const s: IdleStream & { pings: number[] } = {
    lastWrite: performance.now(),
    behind: o.behind ?? false,
    ping: () => pings.push(performance.now()),
    pings,
  };
  return s;
}

test("a silent stream is pinged after the idle time, not before, and again after as long", async () => {
  const s = stream();
  const started = s.lastWrite;
  const stop = pingWhileIdle(s, 100);
  await sleep(60);
  assert.equal(s.pings.length, 0, "pinged before it was idle for 100 ms");
  await sleep(300);
  stop();
  assert.ok(s.pings.length >= 2, `pinged ${s.pings.length} times in 360 ms of silence`);
  const first = s.pings[0] - started;
  assert.ok(first >= 95 && first < 200, `first ping after ${first.toFixed(0)} ms`);
});

test("a stream that keeps writing, or whose client is behind, is not pinged; one no longer watched never is", async () => {
  const writing = stream();
  const behind = stream({ behind: true });
  const gone = stream();
  const stops = [pingWhileIdle(writing, 100), pingWhileIdle(behind, 100), pingWhileIdle(gone, 100)];
  stops[2]();
  for (let i = 0; i < 8; i++) {
    await sleep(40);
    writing.lastWrite = performance.now();
  }
  for (const stop of stops) stop();
  assert.deepEqual([writing.pings.length, behind.pings.length, gone.pings.length], [0, 0, 0]);
});

test("streams with different idle times are swept each at their own", async () => {
  const fast = stream();
  const slow = stream();
  const stops = [pingWhileIdle(fast, 60), pingWhileIdle(slow, 1000)];
  await sleep(250);
  for (const stop of stops) stop();
  assert.ok(fast.pings.length >= 2, `the 60 ms stream was pinged ${fast.pings.length} times`);
  assert.equal(slow.pings.length, 0);
});
