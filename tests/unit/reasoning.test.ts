import assert from "node:assert/strict";
import { test } from "node:test";
import { EventTranslator } from "@/lib/gateway/events";
import { splitThink, ThinkSplitter, webSources } from "@/lib/gateway/reasoning";

/** Feeds pieces one by one and gathers what came out, in order. */
function feed(pieces: string[]) {
  const s = new ThinkSplitter();
  const out: { reasoning: string; content: string }[] = [];
  for (const p of pieces) out.push(s.push(p));
  out.push(s.flush());
  return {
    reasoning: out.map((o) => o.reasoning).join(""),
    content: out.map((o) => o.content).join(""),
    // No reasoning after the first content (a piece's own reasoning comes before its content).
    ordered: out.slice(out.findIndex((o) => o.content) + 1 || out.length).every((o) => !o.reasoning),
  };
}

test("a leading <think> block becomes reasoning, wherever the pieces split the tags", () => {
  const whole = "<think>\nFirst I consider x.\n</think>\n\nThe answer is 4.";
  for (let i = 1; i < whole.length; i++) {
    for (const j of [i + 1, i + 3, whole.length]) {
      const got = feed([whole.slice(0, i), whole.slice(i, j), whole.slice(j)].filter(Boolean));
      assert.equal(got.reasoning, "First I consider x.", `split at ${i}/${j}`);
      assert.equal(got.content, "The answer is 4.", `split at ${i}/${j}`);
      assert.ok(got.ordered);
    }
  }
});

test("content without a leading block passes untouched, even if it mentions <think> later", () => {
  assert.deepEqual(splitThink("Use the <think> tag like <think>this</think>."), {
    reasoning: "",
    content: "Use the <think> tag like <think>this</think>.",
  });
  assert.deepEqual(feed(["<", "b>bold</b>"]).content, "<b>bold</b>");
  assert.deepEqual(feed(["  hello"]).content, "  hello");
});

test("an unclosed block stays reasoning; a lone '<thi' at the end is content", () => {
  assert.deepEqual(splitThink("<think>still going"), { reasoning: "still going", content: "" });
  assert.deepEqual(feed(["<thi"]), { reasoning: "", content: "<thi", ordered: true });
});

test("web sources: string fields only, empty or non-http links dropped, non-objects skipped", () => {
  assert.equal(webSources(undefined), null);
  assert.equal(webSources({}), null);
  const got = webSources([
    { title: "A", link: "https://a.example/x", media: "A media", refer: "ref_1", extra: 1 },
    { title: "B", link: "" },
    { title: "C", link: "javascript:alert(1)", icon: "data:x" },
    null,
    "x",
    { link: "https://d.example" },
  ]);
  assert.deepEqual(got, [
    { title: "A", link: "https://a.example/x", media: "A media", refer: "ref_1" },
    { title: "B" },
    { title: "C" },
    { title: "https://d.example", link: "https://d.example" },
  ]);
});

test("the event translator: reasoning events before text, sources once, reasoning tokens kept", () => {
  const t = new EventTranslator();
  const out: Parameters<EventTranslator["push"]>[1] = [];
  t.push({ web_search: [{ title: "S", link: "https://s.example" }], choices: [{ delta: { role: "assistant" } }] }, out);
  t.push({ web_search: [{ title: "again" }], choices: [{ delta: { reasoning_content: "Hmm. " } }] }, out);
  t.push({ choices: [{ delta: { content: "<think>more</think>Answer" } }] }, out);
  t.push(
    {
      choices: [{ delta: {}, finish_reason: "stop" }],
      usage: { prompt_tokens: 3, completion_tokens: 9, completion_tokens_details: { reasoning_tokens: 5 } },
    },
    out,
  );
  assert.deepEqual(
    out.map((e) => e.type),
    ["sources", "reasoning", "reasoning", "text", "finish"],
  );
  assert.equal(t.summary.reasoning, "Hmm. more");
  assert.equal(t.summary.content, "Answer");
  assert.deepEqual(t.summary.sources, [{ title: "S", link: "https://s.example" }]);
  assert.deepEqual(t.summary.usage?.completion_tokens_details, { reasoning_tokens: 5 });
});

test("the demo upstream names attached documents instead of quoting their text, and thinks on request", async () => {
  const { simulateReply } = await import("@/lib/upstream/simulator");
  const content = '<file name="notes.md">\n# Notes\nlong text\n</file>\n\nSummarise this.';
  const reply = simulateReply({ model: "glm-4-long", messages: [{ role: "user", content }] });
  assert.equal(reply.kind, "text");
  const text = reply.kind === "text" ? reply.words.join("") : "";
  assert.match(text, /You wrote: “Summarise this\.” and attached notes\.md\./);
  assert.doesNotMatch(text, /long text/);
  assert.equal(reply.reasoning, undefined);
  const thinking = simulateReply({
    model: "x",
    messages: [{ role: "user", content: "hi" }],
    thinking: { type: "enabled" },
  });
  assert.ok(thinking.reasoning?.length);
});
