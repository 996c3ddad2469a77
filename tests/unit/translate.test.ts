import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { type CompletionEvent, EventTranslator } from "@/lib/gateway/events";
import { OpenAiChunkWriter } from "@/lib/gateway/openai-sse";
import { translateCompletion, type UpstreamPayload } from "@/lib/gateway/translate";
import { AppError } from "@/lib/errors";

const usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };
const call = {
  id: "call_abc",
  index: 0,
  type: "function",
  function: { name: "get_weather", arguments: '{"city":"Paris"}' },
};

function reply(message: Record<string, unknown>, finish_reason: string): UpstreamPayload {
  return { id: "zhipu-1", created: 1_700_000_000, choices: [{ index: 0, message, finish_reason }], usage };
}

/** The JSON payloads of "data: ...\n\n" frames; "[DONE]" stays a string. */
// biome-ignore lint/suspicious/noExplicitAny: frames of any shape, inspected field by field
function frames(text: string): any[] {
  assert.ok(text === "" || text.endsWith("\n\n"), `frames must end with a blank line: ${JSON.stringify(text)}`);
  return text
    .split("\n\n")
    .filter(Boolean)
    .map((f) => {
      assert.ok(f.startsWith("data: "), `not a data frame: ${f}`);
      const data = f.slice("data: ".length);
      return data === "[DONE]" ? data : JSON.parse(data);
    });
}

function thrown(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof AppError, `expected a AppError, got ${err}`);
    return err;
  }
  assert.fail("expected a AppError");
}

/** The two halves /v1 streams through: upstream chunks → events → OpenAI chunk frames. */
class StreamTranslator {
  readonly events = new EventTranslator();
  readonly writer: OpenAiChunkWriter;
  constructor(model: string, includeUsage: boolean) {
    this.writer = new OpenAiChunkWriter(this.events.id, this.events.created, model, includeUsage);
  }
  get id() {
    return this.events.id;
  }
  get summary() {
    return this.events.summary;
  }
  get producedOutput() {
    return this.events.producedOutput;
  }
  push(up: UpstreamPayload): string {
    const out: CompletionEvent[] = [];
    this.events.push(up, out);
    return this.writer.write(out);
  }
  end(promptEstimate: number): string {
    return this.writer.write([this.events.end(() => promptEstimate)]);
  }
}

const delta = (d: Record<string, unknown>, finish_reason?: string): UpstreamPayload => ({
  choices: [{ index: 0, delta: d, ...(finish_reason ? { finish_reason } : {}) }],
});

describe("translateCompletion", () => {
  test("a text reply becomes an OpenAI chat.completion", () => {
    const { body, summary } = translateCompletion(reply({ role: "assistant", content: "Hello" }, "stop"), "GLM-4-Air");
    assert.equal(body.object, "chat.completion");
    assert.equal(body.model, "GLM-4-Air");
    assert.match(body.id, /^chatcmpl-/);
    assert.equal(body.created, 1_700_000_000);
    assert.deepEqual(body.choices, [
      {
        index: 0,
        message: { role: "assistant", content: "Hello", refusal: null },
        logprobs: null,
        finish_reason: "stop",
      },
    ]);
    assert.deepEqual(body.usage, usage);
    assert.equal(summary.content, "Hello");
  });

  test("cached prompt tokens are passed on when upstream reports them, and not made up otherwise", () => {
    const cached = { ...usage, prompt_tokens_details: { cached_tokens: 4 } };
    const whole = translateCompletion({ ...reply({ content: "Hi" }, "stop"), usage: cached }, "GLM-4-Air");
    assert.deepEqual(whole.body.usage, cached);
    assert.deepEqual(translateCompletion(reply({ content: "Hi" }, "stop"), "GLM-4-Air").body.usage, usage);
  });

  test("no usage from upstream: the prompt's estimate and the reply's, as a stream gets them", () => {
    const { usage: _omitted, ...bare } = reply({ content: "Hello there, friend" }, "stop");
    const { body } = translateCompletion(bare, "GLM-4-Air", () => 12);
    assert.equal(body.usage.prompt_tokens, 12);
    assert.ok(body.usage.completion_tokens > 0);
    assert.equal(body.usage.total_tokens, 12 + body.usage.completion_tokens);
  });

  test("tool calls: content null and finish_reason tool_calls", () => {
    const { body, summary } = translateCompletion(
      reply({ content: "", tool_calls: [call] }, "tool_calls"),
      "GLM-4-Plus",
    );
    const message = body.choices[0].message;
    assert.equal(message.content, null);
    assert.deepEqual(message.tool_calls, [
      { id: "call_abc", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
    ]);
    assert.equal(body.choices[0].finish_reason, "tool_calls");
    assert.equal(summary.toolCalls.length, 1);
  });

  test("object arguments are serialised to a JSON string", () => {
    const obj = { ...call, function: { name: "f", arguments: { a: 1 } } };
    const { body } = translateCompletion(reply({ content: null, tool_calls: [obj] }, "tool_calls"), "GLM-4-Plus");
    assert.equal(body.choices[0].message.tool_calls?.[0].function.arguments, '{"a":1}');
  });

  test("sensitive becomes content_filter", () => {
    const { body } = translateCompletion(reply({ content: "" }, "sensitive"), "GLM-4-Flash");
    assert.equal(body.choices[0].finish_reason, "content_filter");
  });

  test("network_error is a 502", () => {
    const err = thrown(() => translateCompletion(reply({ content: "par" }, "network_error"), "GLM-4-Flash"));
    assert.equal(err.status, 502);
  });

  test("an upstream error body and an unreadable reply throw", () => {
    assert.equal(
      thrown(() => translateCompletion({ error: { code: "1302", message: "slow" } }, "GLM-4-Flash")).status,
      429,
    );
    assert.equal(thrown(() => translateCompletion({ choices: [] }, "GLM-4-Flash")).status, 502);
  });
});

describe("StreamTranslator: text", () => {
  test("one id, chunk objects, role only on the first delta, usage null on each", () => {
    const t = new StreamTranslator("GLM-4-Air", true);
    const out = frames(
      t.push(delta({ role: "assistant", content: "Hel" })) +
        t.push(delta({ role: "assistant", content: "lo" })) +
        t.push({ choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: "stop" }], usage }),
    );
    assert.equal(out.length, 3);
    for (const c of out) {
      assert.equal(c.id, t.id);
      assert.equal(c.object, "chat.completion.chunk");
      assert.equal(c.model, "GLM-4-Air");
      assert.equal(c.usage, null);
    }
    assert.match(t.id, /^chatcmpl-/);
    assert.deepEqual(
      out.map((c) => c.choices[0].delta),
      [{ role: "assistant", content: "Hel" }, { content: "lo" }, {}],
    );
    assert.deepEqual(
      out.map((c) => c.choices[0].finish_reason),
      [null, null, "stop"],
    );
    assert.equal(t.summary.content, "Hello");
  });

  test("end() with include_usage: a usage chunk with no choices, then [DONE]", () => {
    const t = new StreamTranslator("GLM-4-Air", true);
    t.push(delta({ content: "Hi" }));
    t.push({ ...delta({}, "stop"), usage });
    const out = frames(t.end(3));
    assert.equal(out.length, 2);
    assert.deepEqual(out[0].choices, []);
    assert.deepEqual(out[0].usage, usage);
    assert.equal(out[0].id, t.id);
    assert.equal(out[1], "[DONE]");
  });

  test("without include_usage: no usage field and no usage chunk", () => {
    const t = new StreamTranslator("GLM-4-Flash", false);
    const out = frames(t.push(delta({ content: "Hi" })) + t.push({ ...delta({}, "stop"), usage }));
    for (const c of out) assert.equal("usage" in c, false);
    assert.deepEqual(frames(t.end(3)), ["[DONE]"]);
  });

  test("cached prompt tokens are passed on when upstream reports them, in the usage chunk", () => {
    const t = new StreamTranslator("GLM-4-Air", true);
    const cached = { ...usage, prompt_tokens_details: { cached_tokens: 4 } };
    t.push({ ...delta({ content: "Hi" }, "stop"), usage: cached });
    assert.deepEqual(frames(t.end(3))[0].usage, cached);
  });

  test("usage is estimated when upstream sent none", () => {
    const t = new StreamTranslator("GLM-4-Flash", true);
    t.push(delta({ content: "12345678" }, "stop"));
    assert.deepEqual(frames(t.end(7))[0].usage, { prompt_tokens: 7, completion_tokens: 2, total_tokens: 9 });
  });

  test("sensitive becomes content_filter", () => {
    const t = new StreamTranslator("GLM-4-Flash", false);
    assert.equal(frames(t.push(delta({}, "sensitive")))[0].choices[0].finish_reason, "content_filter");
  });
});

describe("StreamTranslator: tool calls", () => {
  test("index on every delta; id, type and name only on each call's first; arguments concatenate", () => {
    const t = new StreamTranslator("GLM-4-Plus", false);
    const tc = (index: number, fn: Record<string, string>, id?: string) =>
      delta({ tool_calls: [{ index, ...(id ? { id, type: "function" } : {}), function: fn }] });
    const out = frames(
      t.push(tc(0, { name: "get_weather", arguments: '{"ci' }, "call_a")) +
        t.push(tc(0, { arguments: 'ty":"Paris"}' })) +
        t.push(tc(1, { name: "get_time", arguments: "{}" }, "call_b")) +
        t.push(delta({}, "tool_calls")),
    );
    const deltas = out.map((c) => c.choices[0].delta.tool_calls?.[0]);
    assert.deepEqual(deltas[0], {
      index: 0,
      id: "call_a",
      type: "function",
      function: { name: "get_weather", arguments: '{"ci' },
    });
    assert.deepEqual(deltas[1], { index: 0, function: { arguments: 'ty":"Paris"}' } });
    assert.deepEqual(deltas[2], {
      index: 1,
      id: "call_b",
      type: "function",
      function: { name: "get_time", arguments: "{}" },
    });
    assert.equal(out[0].choices[0].delta.role, "assistant");
    assert.equal("role" in out[1].choices[0].delta, false);
    assert.equal(out[3].choices[0].finish_reason, "tool_calls");
    assert.deepEqual(t.summary.toolCalls, [
      { id: "call_a", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
      { id: "call_b", type: "function", function: { name: "get_time", arguments: "{}" } },
    ]);
    assert.equal(t.producedOutput, true);
  });
});

describe("StreamTranslator: parallel tool calls at one upstream index", () => {
  test("a new id at an index in use is a new call at the next index, not more arguments", () => {
    const t = new StreamTranslator("GLM-4-Plus", false);
    const whole = (id: string, name: string, args: string) =>
      delta({ tool_calls: [{ index: 0, id, type: "function", function: { name, arguments: args } }] });
    const out = frames(
      t.push(whole("call_a", "get_weather", '{"city":"Paris"}')) +
        t.push(whole("call_b", "get_time", '{"tz":"CET"}')) +
        t.push(delta({ tool_calls: [{ index: 0, function: { arguments: "" } }] })) +
        t.push(delta({}, "tool_calls")),
    );
    const deltas = out.map((c) => c.choices[0].delta.tool_calls?.[0]);
    assert.deepEqual(deltas[1], {
      index: 1,
      id: "call_b",
      type: "function",
      function: { name: "get_time", arguments: '{"tz":"CET"}' },
    });
    assert.equal(deltas[2].index, 1, "a piece with no id goes on the latest call at that index");
    assert.deepEqual(t.summary.toolCalls, [
      { id: "call_a", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
      { id: "call_b", type: "function", function: { name: "get_time", arguments: '{"tz":"CET"}' } },
    ]);
  });
});

describe("StreamTranslator: failures", () => {
  test("end() without a finish_reason throws a 502", () => {
    const t = new StreamTranslator("GLM-4-Flash", true);
    t.push(delta({ content: "half a rep" }));
    assert.equal(thrown(() => t.end(0)).status, 502);
  });

  test("an upstream error chunk 1302 throws a 429", () => {
    const t = new StreamTranslator("GLM-4-Flash", false);
    const err = thrown(() => t.push({ error: { code: "1302", message: "Too many requests" } }));
    assert.equal(err.status, 429);
    assert.equal(err.code, "rate_limit_exceeded");
  });

  test("network_error mid-stream throws a 502", () => {
    const t = new StreamTranslator("GLM-4-Flash", false);
    assert.equal(thrown(() => t.push(delta({}, "network_error"))).status, 502);
  });
});
