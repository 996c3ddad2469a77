/** The gateway's cancellation handle (lib/gateway/stop.ts), which replaced AbortController on its hot path. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Stop } from "@/lib/gateway/stop";

test("a Stop stops once, with its first reason, and tells each callback once", () => {
  const s = new Stop();
  const told: unknown[] = [];
  s.onStop((r) => told.push(r));
  const off = s.onStop(() => told.push("removed"));
  off();
  s.stop("first");
  s.stop("second");
  assert.equal(s.stopped, true);
  assert.equal(s.reason, "first");
  assert.deepEqual(told, ["first"]);
  // A callback added after the stop runs at once.
  s.onStop((r) => told.push(`late ${r}`));
  assert.deepEqual(told, ["first", "late first"]);
});

test("a child stops with its parent, and can stop alone without stopping the parent", () => {
  const parent = new Stop();
  const a = parent.child();
  const b = parent.child();
  a.stop("a alone");
  assert.equal(parent.stopped, false);
  assert.equal(b.stopped, false);
  parent.stop("client gone");
  assert.equal(b.reason, "client gone");
  assert.equal(a.reason, "a alone");
});

test("a Stop follows a web AbortSignal, aborted before or after", () => {
  const early = new AbortController();
  early.abort();
  assert.equal(Stop.following(early.signal, () => "gone").reason, "gone");
  const later = new AbortController();
  const s = Stop.following(later.signal, () => "gone");
  assert.equal(s.stopped, false);
  later.abort();
  assert.equal(s.reason, "gone");
  assert.equal(Stop.following(undefined, () => "gone").stopped, false);
});

test("its AbortSignal (for fetch-shaped APIs) aborts with the Stop's reason", () => {
  const s = new Stop();
  const signal = s.signal();
  s.stop("why");
  assert.equal(signal.aborted, true);
  assert.equal(signal.reason, "why");
});
