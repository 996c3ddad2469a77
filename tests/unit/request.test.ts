import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { messageSize, toUpstreamBody, validateRequest } from "@/lib/gateway/request";
import { AppError } from "@/lib/errors";
import { Catalogue, DEFAULT_MODELS } from "@/lib/models";

const models = new Catalogue(DEFAULT_MODELS);

const user = { role: "user", content: "hi" };
const req = (extra: Record<string, unknown> = {}) => ({ model: "GLM-4-Flash", messages: [user], ...extra });

/** Runs validateRequest and returns the AppError it must throw. */
function rejection(json: unknown): AppError {
  try {
    validateRequest(json, models);
  } catch (err) {
    assert.ok(err instanceof AppError, `expected a AppError, got ${err}`);
    return err;
  }
  assert.fail("validateRequest accepted an invalid body");
}

/** A 400 whose `param` names the field, and (for field errors) whose message quotes it. */
function assert400(json: unknown, param: string | null, quotesParam = true) {
  const err = rejection(json);
  assert.equal(err.status, 400);
  assert.equal(err.type, "invalid_request_error");
  assert.equal(err.param, param);
  if (param && quotesParam) assert.match(err.message, new RegExp(`'${param.replace(/[[\].]/g, "\\$&")}'`));
  return err;
}

const upstream = (extra: Record<string, unknown> = {}) =>
  toUpstreamBody(validateRequest(req(extra), models), "glm-4-flash");

describe("validateRequest: 400 for client mistakes", () => {
  test("a body that is not an object", () => {
    for (const body of [null, [], "hi", 42]) assert400(body, null);
  });

  test("wrong types name the field", () => {
    assert400({ messages: [user] }, "model");
    assert400(req({ model: 7 }), "model");
    assert400(req({ messages: "hi" }), "messages");
    assert400(req({ temperature: "0.5" }), "temperature");
    assert400(req({ stream: "yes" }), "stream");
    assert400(req({ messages: [{ role: "user", content: 5 }] }), "messages[0].content");
    assert400(req({ max_tokens: 1.5 }), "max_tokens");
  });

  test("temperature and top_p outside 0..1", () => {
    assert.match(assert400(req({ temperature: 1.5 }), "temperature").message, /between 0 and 1/);
    assert400(req({ temperature: -0.1 }), "temperature");
    assert400(req({ top_p: -0.1 }), "top_p");
    assert400(req({ top_p: 1.01 }), "top_p");
  });

  test("empty messages", () => {
    assert400(req({ messages: [] }), "messages");
  });

  test("an unknown role", () => {
    assert400(req({ messages: [{ role: "robot", content: "x" }] }), "messages[0].role");
  });

  test("a tool message without tool_call_id", () => {
    const err = assert400(req({ messages: [user, { role: "tool", content: "42" }] }), "messages[1].tool_call_id");
    assert.match(err.message, /tool_call_id/);
  });

  test("a body nested past 64 levels is a 400, not an overflow on the way upstream", () => {
    let parameters: Record<string, unknown> = { type: "string" };
    for (let i = 0; i < 5000; i++) parameters = { type: "object", properties: { a: parameters } };
    const tools = [{ type: "function", function: { name: "f", parameters } }];
    assert.match(assert400(req({ tools }), null).message, /nests more than 64 levels/);
    // A schema as deep as real ones is taken.
    let ordinary: Record<string, unknown> = { type: "string" };
    for (let i = 0; i < 10; i++) ordinary = { type: "object", properties: { a: ordinary } };
    const ok = validateRequest(
      req({ tools: [{ type: "function", function: { name: "f", parameters: ordinary } }] }),
      models,
    );
    assert.equal(ok.body.tools?.length, 1);
  });

  test("a tool message answers a call of the assistant turn before it, as on OpenAI", () => {
    const call = (id: string) => ({ id, type: "function", function: { name: "f", arguments: "{}" } });
    const asked = { role: "assistant", content: null, tool_calls: [call("c1"), call("c2")] };
    const answer = (id: string) => ({ role: "tool", tool_call_id: id, content: "42" });
    // Answering nothing: first, after a user turn, after a plain assistant turn.
    assert400(req({ messages: [answer("c1"), user] }), "messages[0].role");
    assert400(req({ messages: [user, answer("c1")] }), "messages[1].role");
    assert400(req({ messages: [user, { role: "assistant", content: "ok" }, answer("c1")] }), "messages[2].role");
    // A call the turn before did not make, also after another answer; an earlier turn's calls do not count.
    assert400(req({ messages: [user, asked, answer("c9")] }), "messages[2].tool_call_id");
    assert400(req({ messages: [user, asked, answer("c1"), answer("c3")] }), "messages[3].tool_call_id");
    assert400(req({ messages: [user, asked, answer("c1"), user, answer("c2")] }), "messages[4].role");
    // Every answer to the turn's calls, in any order, then the conversation goes on.
    const ok = validateRequest(req({ messages: [user, asked, answer("c2"), answer("c1"), user] }), models);
    assert.equal(ok.sent.length, 5);
  });

  test("legacy function calling in a message says what to send instead", () => {
    const legacy = { role: "function", name: "f", content: "42" };
    assert.match(assert400(req({ messages: [user, legacy] }), "messages[1]", false).message, /role "tool"/);
    const call = { role: "assistant", content: null, function_call: { name: "f", arguments: "{}" } };
    assert.match(assert400(req({ messages: [user, call] }), "messages[1].function_call").message, /tool_calls/);
  });

  test("only empty assistant turns and no other message", () => {
    assert400(req({ messages: [{ role: "assistant", content: "" }] }), "messages");
  });

  test("max_tokens above the model's 4095 limit", () => {
    assert.match(assert400(req({ max_tokens: 4096 }), "max_tokens").message, /4095/);
    assert400(req({ max_completion_tokens: 5000 }), "max_completion_tokens");
    assert.equal(validateRequest(req({ max_tokens: 4095 }), models).maxTokens, 4095);
  });

  test("options GLM-4 cannot honour", () => {
    assert400(req({ n: 2 }), "n");
    assert400(req({ tool_choice: "required" }), "tool_choice");
    assert400(req({ tool_choice: { type: "function", function: { name: "f" } } }), "tool_choice");
    assert400(req({ logprobs: true }), "logprobs");
    assert400(req({ presence_penalty: 0.5 }), "presence_penalty");
    assert.match(assert400(req({ stop: ["a", "b"] }), "stop").message, /single stop sequence/);
  });

  test("tool_choice without tools is a 400, as on OpenAI", () => {
    for (const tools of [undefined, null, []]) {
      const err = assert400(req({ tools, tool_choice: "auto" }), "tool_choice");
      assert.match(err.message, /only allowed when 'tools' are specified/);
    }
  });

  test("max_completion_tokens gets the model's limit too, also beside max_tokens", () => {
    assert.match(
      assert400(req({ max_tokens: 1, max_completion_tokens: 5000 }), "max_completion_tokens").message,
      /4095/,
    );
    assert400(req({ max_tokens: 5000, max_completion_tokens: 1 }), "max_tokens");
    assert.equal(validateRequest(req({ max_tokens: 10, max_completion_tokens: 4095 }), models).maxTokens, 10);
  });

  test("field errors are readable sentences naming the field, not zod's defaults", () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ max_completion_tokens: 0 }, "max_completion_tokens"],
      [{ max_tokens: "5" }, "max_tokens"],
      [{ messages: [{ role: "user", content: [] }] }, "messages[0].content"],
      [{ messages: [{ role: "user", content: "x", name: "" }] }, "messages[0].name"],
      [{ request_id: "r".repeat(129) }, "request_id"],
      [{ stream_options: "yes", stream: true }, "stream_options"],
    ];
    for (const [extra, param] of cases) {
      const { message } = assert400(req(extra), param);
      assert.doesNotMatch(message, /Too small|Too big|Invalid input|expected/, message);
      const field = param.replace(/^messages\[0\]\./, "");
      assert.ok(message.split("': ")[1]?.startsWith(field), `the sentence names ${field}: ${message}`);
    }
  });

  test("image and audio parts are refused naming the part, as input these text models cannot read", () => {
    const parts = (p: object) =>
      req({ messages: [{ role: "user", content: [{ type: "text", text: "what is this" }, p] }] });
    const image = assert400(
      parts({ type: "image_url", image_url: { url: "https://example.com/a.png" } }),
      "messages[0].content[1]",
    );
    assert.match(image.message, /image input \(a "image_url" part\) is not supported/);
    const audio = assert400(
      parts({ type: "input_audio", input_audio: { data: "", format: "wav" } }),
      "messages[0].content[1]",
    );
    assert.match(audio.message, /audio input/);
  });

  test("an unknown field is refused by name, as OpenAI does, before any other check", () => {
    for (const field of ["foo", "temprature", "__proto__"]) {
      const err = assert400(JSON.parse(JSON.stringify({ ...req(), [field]: 1 })), field, false);
      assert.equal(err.message, `Unrecognized request argument supplied: ${field}`);
      assert.equal(err.wireCode, null);
    }
    assert.equal(assert400({ ...req({ temperature: 5 }), foo: 1 }, "foo", false).param, "foo");
  });

  test("OpenAI fields whose effect GLM-4 cannot give are refused, saying what to send instead", () => {
    assert.match(assert400(req({ seed: 42 }), "seed").message, /temperature 0/);
    assert.match(assert400(req({ functions: [{ name: "f", parameters: {} }] }), "functions").message, /tools/);
    assert.match(assert400(req({ function_call: "auto" }), "function_call").message, /tool_choice/);
    assert.match(assert400(req({ reasoning_effort: "low" }), "reasoning_effort").message, /thinking/);
    assert.match(assert400(req({ web_search_options: {} }), "web_search_options").message, /web_search/);
    assert400(req({ parallel_tool_calls: false }), "parallel_tool_calls");
    assert400(req({ audio: { voice: "alloy", format: "mp3" } }), "audio");
    assert400(req({ prediction: { type: "content", content: "x" } }), "prediction");
    assert400(req({ store: true }), "store");
    assert400(req({ service_tier: "flex" }), "service_tier");
    assert400(req({ modalities: ["text", "audio"] }), "modalities");
  });

  test("OpenAI and Zhipu fields that change nothing are accepted at those values, and not sent upstream", () => {
    const harmless = {
      store: false,
      metadata: { app: "x" },
      service_tier: "auto",
      modalities: ["text"],
      parallel_tool_calls: true,
      prompt_cache_key: "k",
      safety_identifier: "s",
      tool_stream: true,
      seed: null,
      functions: null,
    };
    const body = upstream(harmless);
    for (const field of Object.keys(harmless)) assert.equal(field in body, false, field);
    assert.equal(upstream({ service_tier: "default", parallel_tool_calls: null, store: null }).model, "glm-4-flash");
  });

  test("Zhipu's user_id is forwarded like user", () => {
    assert.equal(upstream({ user_id: "abcdef" }).user_id, "abcdef");
    assert.equal(upstream({ user: "from-user", user_id: "abcdef" }).user_id, "from-user");
  });

  test("the values that change nothing are accepted", () => {
    const tools = [{ type: "function", function: { name: "f" } }];
    const ok = validateRequest(req({ n: 1, logprobs: false, presence_penalty: 0, tools, tool_choice: "none" }), models);
    assert.equal(ok.model.id, "GLM-4-Flash");
  });
});

describe("validateRequest: models and limits", () => {
  test("an unknown model is a 404 naming it", () => {
    const err = rejection(req({ model: "gpt-4o" }));
    assert.equal(err.status, 404);
    assert.equal(err.code, "model_not_found");
    assert.equal(err.param, "model");
    assert.match(err.message, /'gpt-4o'/);
  });

  test("model names are case-insensitive", () => {
    assert.equal(validateRequest(req({ model: "glm-4-air" }), models).model.id, "GLM-4-Air");
    assert.equal(validateRequest(req({ model: "GLM-4-AIRX" }), models).model.id, "GLM-4-AirX");
  });

  test("a prompt too large for GLM-4-AirX's 8K window", () => {
    const huge = { model: "GLM-4-AirX", messages: [{ role: "user", content: "x".repeat(60_000) }] };
    const err = assert400(huge, "messages", false);
    assert.equal(err.code, "context_length_exceeded");
    // The same prompt fits GLM-4-Long.
    assert.equal(validateRequest({ ...huge, model: "GLM-4-Long" }, models).model.id, "GLM-4-Long");
  });

  test("the window is checked against what the messages say, a floor of 6 UTF-8 bytes a token", () => {
    // GLM-4-AirX: 8,000 tokens. 47,940 bytes are at least 7,990 tokens: with 10 to write, that fits exactly.
    const ask = (text: string, max_tokens: number) => ({
      model: "GLM-4-AirX",
      max_tokens,
      messages: [
        { role: "system", content: "" },
        { role: "user", content: text },
      ],
    });
    assert.equal(validateRequest(ask("x".repeat(47_940), 10), models).model.id, "GLM-4-AirX");
    assert.equal(assert400(ask("x".repeat(47_940), 11), "messages", false).code, "context_length_exceeded");
    // Chinese is 3 bytes a character: 15,980 characters are the same 47,940 bytes.
    assert.equal(validateRequest(ask("海".repeat(15_980), 10), models).model.id, "GLM-4-AirX");
    assert.equal(assert400(ask("海".repeat(15_981), 10), "messages", false).code, "context_length_exceeded");
    // A prompt of megabytes for GLM-4-Long is measured, not serialised, and goes through.
    const long = validateRequest({ ...ask("sea ".repeat(750_000), 4000), model: "GLM-4-Long" }, models);
    assert.equal(long.promptChars, 3_000_000);
  });

  test("messageSize counts text, text parts, earlier reasoning and tool calls, without the JSON around them", () => {
    const size = messageSize([
      { role: "system", content: "ab" },
      {
        role: "user",
        content: [
          { type: "text", text: "海" },
          { type: "text", text: "cd" },
        ],
      },
      {
        role: "assistant",
        content: null,
        reasoning_content: "ef",
        tool_calls: [{ id: "c1", type: "function", function: { name: "get", arguments: '{"q":1}' } }],
      },
      { role: "tool", content: "gh", tool_call_id: "c1" },
    ]);
    assert.deepEqual(size, { chars: 2 + 1 + 2 + 2 + 3 + 7 + 2, bytes: 2 + 3 + 2 + 2 + 3 + 7 + 2 });
  });

  test("include_usage only when streaming; stream_options without stream is a 400, as on OpenAI", () => {
    const opts = { stream_options: { include_usage: true } };
    assert.deepEqual(
      [
        validateRequest(req({ stream: true, ...opts }), models).includeUsage,
        validateRequest(req({ stream: true }), models).includeUsage,
        validateRequest(req({ stream: false, stream_options: null }), models).includeUsage,
      ],
      [true, false, false],
    );
    for (const stream of [undefined, false, null]) {
      const err = assert400(req({ stream, ...opts }), "stream_options", false);
      assert.equal(err.message, "The 'stream_options' parameter is only allowed when 'stream' is enabled.");
    }
    assert.equal(validateRequest(req({ stream: true }), models).stream, true);
    assert.equal(validateRequest(req(), models).stream, false);
  });
});

describe("toUpstreamBody", () => {
  test("model id, stream flag and the seed's defaults sent explicitly", () => {
    const body = upstream();
    assert.equal(body.model, "glm-4-flash");
    assert.equal(body.stream, false);
    assert.equal(body.temperature, 0.7);
    assert.equal(body.top_p, 0.9);
    assert.equal("do_sample" in body, false);
    assert.equal("max_tokens" in body, false);
    const nulls = upstream({ temperature: null, top_p: null });
    assert.deepEqual([nulls.temperature, nulls.top_p], [0.7, 0.9]);
  });

  test("temperature clamps", () => {
    assert.deepEqual([upstream({ temperature: 0 }).temperature, upstream({ temperature: 0 }).do_sample], [0.01, false]);
    assert.equal(upstream({ temperature: 1 }).temperature, 0.99);
    assert.equal(upstream({ temperature: 0.3 }).temperature, 0.3);
    assert.equal("do_sample" in upstream({ temperature: 1 }), false);
  });

  test("top_p clamps", () => {
    assert.equal(upstream({ top_p: 0 }).top_p, 0.01);
    assert.equal(upstream({ top_p: 1 }).top_p, 0.99);
    assert.equal(upstream({ top_p: 0.5 }).top_p, 0.5);
  });

  test("developer becomes system; text parts are joined on lines of their own; tool fields kept", () => {
    const call = { id: "call_1", type: "function", function: { name: "f", arguments: "{}" } };
    const body = upstream({
      messages: [
        { role: "developer", content: "be brief" },
        {
          role: "user",
          content: [
            { type: "text", text: "hel" },
            { type: "text", text: "lo" },
          ],
        },
        { role: "assistant", content: null, tool_calls: [call] },
        { role: "tool", content: "42", tool_call_id: "call_1" },
      ],
    });
    assert.deepEqual(body.messages, [
      { role: "system", content: "be brief" },
      { role: "user", content: "hel\nlo" },
      { role: "assistant", content: null, tool_calls: [call] },
      { role: "tool", content: "42", tool_call_id: "call_1" },
    ]);
  });

  test("tools are sent with tool_choice auto, and dropped for tool_choice none", () => {
    const tools = [{ type: "function", function: { name: "get_weather", parameters: { type: "object" } } }];
    const withTools = upstream({ tools });
    assert.deepEqual(withTools.tools, tools);
    assert.equal(withTools.tool_choice, "auto");
    const none = upstream({ tools, tool_choice: "none" });
    assert.equal("tools" in none, false);
    assert.equal("tool_choice" in none, false);
  });

  test("user becomes user_id only when 6..128 characters", () => {
    assert.equal(upstream({ user: "abcdef" }).user_id, "abcdef");
    assert.equal(upstream({ user: "u".repeat(128) }).user_id, "u".repeat(128));
    assert.equal("user_id" in upstream({ user: "abcde" }), false);
    assert.equal("user_id" in upstream({ user: "u".repeat(129) }), false);
    assert.equal("user" in upstream({ user: "abcdef" }), false);
  });

  test("an assistant turn that said nothing is taken, and left out upstream (Zhipu refuses it)", () => {
    const next = { role: "user", content: "try again" };
    for (const empty of [
      { role: "assistant", content: "" },
      { role: "assistant", content: null, refusal: null },
      { role: "assistant", content: "", tool_calls: [] },
    ]) {
      assert.deepEqual(upstream({ messages: [user, empty, next] }).messages, [user, next]);
    }
  });

  test("an assistant turn as OpenAI returns it: refusal parts and a refusal read as its text", () => {
    const parts = [
      { type: "text", text: "Partly:" },
      { type: "refusal", refusal: "I can't help with that." },
    ];
    const body = upstream({
      messages: [
        user,
        { role: "assistant", content: parts },
        user,
        { role: "assistant", content: null, refusal: "No." },
        user,
      ],
    });
    assert.deepEqual(body.messages, [
      user,
      { role: "assistant", content: "Partly:\nI can't help with that." },
      user,
      { role: "assistant", content: "No." },
      user,
    ]);
    assert400(req({ messages: [{ role: "user", content: [parts[1]] }] }), "messages[0].content", false);
  });

  test("response_format: text and json_object pass through; json_schema becomes JSON mode and an instruction", () => {
    assert.deepEqual(upstream({ response_format: { type: "json_object" } }).response_format, { type: "json_object" });
    const schema = { type: "object", properties: { city: { type: "string" } }, required: ["city"] };
    const format = { type: "json_schema", json_schema: { name: "place", schema, strict: true } };
    const alone = upstream({ response_format: format });
    assert.deepEqual(alone.response_format, { type: "json_object" });
    const [system, ...rest] = alone.messages as { role: string; content: string }[];
    assert.equal(system.role, "system");
    assert.ok(system.content.includes(JSON.stringify(schema)), system.content);
    assert.match(system.content, /"place"/);
    assert.deepEqual(rest, [user]);
    // Beside a system message of the client's own: added to its end, so it stays the one system message.
    const both = upstream({ response_format: format, messages: [{ role: "system", content: "Be terse." }, user] });
    const messages = both.messages as { role: string; content: string }[];
    assert.equal(messages.length, 2);
    assert.match(messages[0].content, /^Be terse\.\n\nReply with a single JSON object/);
    assert400(req({ response_format: { type: "json_schema" } }), "response_format.json_schema", false);
    assert400(
      req({ response_format: { type: "json_schema", json_schema: { name: "a b" } } }),
      "response_format.json_schema.name",
    );
    assert400(req({ response_format: { type: "xml" } }), "response_format.type", false);
  });

  test("stop is always an array, left out when empty; max_tokens passes through", () => {
    assert.deepEqual(upstream({ stop: "END" }).stop, ["END"]);
    assert.deepEqual(upstream({ stop: ["END"] }).stop, ["END"]);
    assert.equal("stop" in upstream({ stop: [] }), false);
    assert.equal("stop" in upstream({ stop: "" }), false);
    assert.equal(upstream({ max_completion_tokens: 100 }).max_tokens, 100);
  });
});
