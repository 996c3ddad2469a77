import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import { test } from "node:test";
import { demoFetch } from "@/lib/upstream/demo";

test("the demo upstream leaves no abort listener behind per word (no MaxListenersExceededWarning)", async () => {
  const ctrl = new AbortController();
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.name);
  process.on("warning", onWarning);
  const res = await demoFetch("demo", {
    method: "POST",
    signal: ctrl.signal,
    body: JSON.stringify({
      model: "glm-4-flash",
      stream: true,
      messages: [{ role: "user", content: "hello there, a longer question" }],
    }),
  });
  let words = 0;
  for await (const _ of res.body as unknown as AsyncIterable<Uint8Array>) {
    words++;
    assert.ok(getEventListeners(ctrl.signal, "abort").length <= 1, `listeners after ${words} words`);
  }
  process.off("warning", onWarning);
  assert.ok(words > 15, "the reply streamed word by word");
  assert.equal(getEventListeners(ctrl.signal, "abort").length, 0);
  assert.deepEqual(
    warnings.filter((w) => w === "MaxListenersExceededWarning"),
    [],
  );
});
