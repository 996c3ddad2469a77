import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { plainRequest } from "@/lib/gateway/plain-request";
import { ChatCompletionRequest, KNOWN_FIELDS } from "@/lib/gateway/schema";

/**
 * The plain check (lib/gateway/plain-request.ts) may only say yes where zod says yes, with the same body: any
 * difference would let a request past validation or change what goes upstream. Checked over the seed's shapes and
 * over generated requests that mix good values with bad ones, edge values and unknown keys.
 */

/** What the schema makes of `json`, or null where it refuses it (or names a field it does not know). */
function zodSays(json: Record<string, unknown>) {
  for (const key in json) if (!KNOWN_FIELDS.has(key)) return null;
  const parsed = ChatCompletionRequest.safeParse(json);
  return parsed.success ? parsed.data : null;
}

function assertAgrees(json: Record<string, unknown>) {
  const plain = plainRequest(json);
  if (plain === null) return false;
  const zod = zodSays(JSON.parse(JSON.stringify(json)));
  assert.notEqual(zod, null, `plainRequest took what zod refuses: ${JSON.stringify(json)}`);
  assert.deepEqual(plain, zod, `plainRequest and zod differ on ${JSON.stringify(json)}`);
  return true;
}

describe("plainRequest", () => {
  test("takes the requests most clients send, unchanged", () => {
    const seed = [
      { model: "glm-4-plus", messages: [{ role: "user", content: "你好" }] },
      {
        model: "GLM-4-Flash",
        messages: [
          { role: "system", content: "You are helpful." },
          { role: "user", content: "hi", name: "alice" },
          { role: "assistant", content: "hello" },
          { role: "developer", content: "" },
        ],
        stream: true,
        stream_options: { include_usage: true },
        temperature: 0,
        top_p: 1,
        max_tokens: 1024,
        user: "user-123456",
        do_sample: false,
      },
      { model: "glm-4-air", messages: [{ role: "user", content: "x" }], stream: null, temperature: null },
    ];
    for (const json of seed) {
      assert.ok(assertAgrees(json), `not taken: ${JSON.stringify(json)}`);
      assert.equal(plainRequest(json), json);
    }
  });

  test("leaves every unusual or wrong request to zod", () => {
    const base = { model: "glm-4", messages: [{ role: "user", content: "hi" }] };
    const declined: Record<string, unknown>[] = [
      { ...base, temperature: 1.5 },
      { ...base, temperature: -0.1 },
      { ...base, temperature: "0.5" },
      { ...base, max_tokens: 0 },
      { ...base, max_tokens: 1.5 },
      { ...base, max_tokens: 2 ** 60 },
      { ...base, stream: "true" },
      { ...base, stream_options: { include_usage: true, extra: 1 } },
      { ...base, stream_options: [] },
      { ...base, tools: [] },
      { ...base, seed: 1 },
      { ...base, toString: "x" },
      { ...base, constructor: 1 },
      JSON.parse('{"model":"glm-4","messages":[{"role":"user","content":"hi"}],"__proto__":{"x":1}}'),
      { ...base, model: "" },
      { ...base, messages: [] },
      { ...base, messages: [{ role: "user", content: ["a"] }] },
      { ...base, messages: [{ role: "user", content: [{ type: "text", text: "a" }] }] },
      { ...base, messages: [{ role: "assistant", content: "" }] },
      { ...base, messages: [{ role: "tool", content: "x", tool_call_id: "c" }] },
      { ...base, messages: [{ role: "user", content: "x", name: "" }] },
      { ...base, messages: [{ role: "user", content: "x", name: "n".repeat(65) }] },
      { ...base, messages: [{ role: "user", content: "x", extra: true }] },
      { ...base, messages: [{ role: "user" }] },
      { ...base, messages: [{ role: "robot", content: "x" }] },
      { ...base, messages: [null] },
      { messages: base.messages },
      { model: "glm-4" },
    ];
    for (const json of declined) assert.equal(plainRequest(json), null, JSON.stringify(json));
  });

  test("agrees with zod on generated requests", () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
    const values = [
      null,
      true,
      false,
      0,
      1,
      0.5,
      -1,
      1.5,
      2,
      3.7,
      2 ** 53,
      2 ** 60,
      "",
      "x",
      "glm-4",
      [],
      {},
      [1],
      { a: 1 },
    ];
    const roles = ["system", "developer", "user", "assistant", "user", "assistant", "tool", "robot", "", 1];
    const message = () => {
      const m: Record<string, unknown> = {};
      if (random() < 0.98) m.role = pick(roles);
      if (random() < 0.98) m.content = random() < 0.9 ? pick(["hi", "", '你好 \n"quoted"']) : pick(values);
      if (random() < 0.2) m.name = pick(["bob", "", "n".repeat(64), "n".repeat(65), null, 3]);
      if (random() < 0.05) m[pick(["tool_calls", "extra", "__proto__", "toString"])] = pick(values);
      return m;
    };
    const fields = [...KNOWN_FIELDS, "toString", "constructor", "hasOwnProperty", "unknown_field"];
    /** Values the plain fields take more often than anything else, so that many requests are plain ones. */
    const likely: Record<string, unknown[]> = {
      temperature: [0, 0.3, 1, null],
      top_p: [0, 0.9, 1, null],
      max_tokens: [1, 100, null],
      max_completion_tokens: [1, 100, null],
      stream: [true, false, null],
      stream_options: [{ include_usage: true }, { include_usage: null }, {}, null],
      user: ["someone", "", null],
      user_id: ["someone", null],
      do_sample: [true, false, null],
    };
    const plainFields = Object.keys(likely);
    let taken = 0;
    for (let i = 0; i < 20_000; i++) {
      const json: Record<string, unknown> = {};
      if (random() < 0.97) json.model = random() < 0.9 ? "glm-4-flash" : pick(values);
      if (random() < 0.97) {
        json.messages = random() < 0.9 ? Array.from({ length: 1 + Math.floor(random() * 2) }, message) : pick(values);
      }
      const extra = Math.floor(random() * 4);
      for (let k = 0; k < extra; k++) {
        const field = random() < 0.7 ? pick(plainFields) : pick(fields);
        if (field in likely && random() < 0.7) json[field] = pick(likely[field]);
        else if (field === "stream_options" && random() < 0.5)
          json[field] = pick([{ include_usage: pick(values) }, { include_usage: true, x: 1 }, { x: 1 }]);
        else json[field] = pick(values);
      }
      if (assertAgrees(json)) taken++;
    }
    // Not a check that never runs: a good share of the generated requests takes the plain path.
    assert.ok(taken > 1_000, `only ${taken} of 20000 taken`);
  });
});
