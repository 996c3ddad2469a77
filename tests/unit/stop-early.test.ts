/** Stop before a message reaches the server (lib/chat/stop.ts): remembered for a while, within bounded memory. */
import assert from "node:assert/strict";
import { test } from "node:test";

test("a Stop that arrives before its message is remembered; made-up ids cannot grow the memory without end", async () => {
  const { stopReply, wasStoppedBeforeStart, STOPPED_BEFORE_START_MAX } = await import("@/lib/chat/stop");
  assert.equal(stopReply("alice", "c1", "m1"), "not-running");
  assert.equal(wasStoppedBeforeStart("alice", "m1"), true);
  assert.equal(wasStoppedBeforeStart("bob", "m1"), false, "another user's message of the same id");
  const flood = STOPPED_BEFORE_START_MAX * 3;
  for (let i = 0; i < flood; i++) stopReply("mallory", "c", `made-up-${i}`);
  const held = (globalThis as unknown as { __glmStoppedEarly: Map<string, number> }).__glmStoppedEarly.size;
  assert.ok(held <= STOPPED_BEFORE_START_MAX, `${held} remembered`);
  assert.equal(wasStoppedBeforeStart("mallory", `made-up-${flood - 1}`), true, "the latest are kept");
});
