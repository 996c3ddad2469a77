import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import type OpenAI from "openai";
import { client, createKey, tag, upstreamRequestTagged } from "./helpers";

const SIX = ["GLM-4-Plus", "GLM-4-Air", "GLM-4-AirX", "GLM-4-Long", "GLM-4-FlashX", "GLM-4-Flash"];
let sdk: OpenAI;
before(async () => {
  sdk = client(await createKey("models-and-tools"));
});

const weatherTool: OpenAI.Chat.ChatCompletionTool = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Current weather for a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};

describe("models", () => {
  test("GET /v1/models lists the six public names", async () => {
    const list = await sdk.models.list();
    assert.deepEqual(
      list.data.map((m) => m.id),
      SIX,
    );
    assert.ok(list.data.every((m) => m.object === "model" && typeof m.created === "number" && m.owned_by));
  });

  for (const model of SIX) {
    test(`${model}: non-stream and stream, mapped upstream and echoed back`, async () => {
      const t = tag();
      const r = await sdk.chat.completions.create({ model, messages: [{ role: "user", content: t }] });
      assert.equal(r.model, model);
      assert.equal((await upstreamRequestTagged(t))?.body.model, model.toLowerCase());
      const s = await sdk.chat.completions.create({ model, messages: [{ role: "user", content: "hi" }], stream: true });
      let text = "";
      for await (const c of s) {
        assert.equal(c.model, model);
        text += c.choices[0]?.delta.content ?? "";
      }
      assert.match(text, /simulated reply/);
    });
  }

  test("model names match case-insensitively; the reply echoes the name as sent is canonical", async () => {
    const r = await sdk.chat.completions.create({ model: "glm-4-flashx", messages: [{ role: "user", content: "x" }] });
    assert.equal(r.model, "GLM-4-FlashX");
  });

  test("include_usage: usage null on every chunk, then one usage chunk with no choices before [DONE]", async () => {
    const s = await sdk.chat.completions.create({
      model: "GLM-4-Flash",
      messages: [{ role: "user", content: "count" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
    for await (const c of s) chunks.push(c);
    const last = chunks.at(-1)!;
    assert.deepEqual(last.choices, []);
    assert.ok(last.usage && last.usage.completion_tokens > 0 && last.usage.prompt_tokens > 0);
    assert.equal(last.usage.total_tokens, last.usage.prompt_tokens + last.usage.completion_tokens);
    assert.ok(chunks.slice(0, -1).every((c) => c.usage === null));
    assert.equal(chunks.at(-2)?.choices[0].finish_reason, "stop");
  });
});

describe("function calling", () => {
  test("non-stream: a tool call, then the follow-up turn with the tool's result", async () => {
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: "user", content: "Weather in Beijing?" }];
    const first = await sdk.chat.completions.create({ model: "GLM-4-Plus", messages, tools: [weatherTool] });
    const choice = first.choices[0];
    assert.equal(choice.finish_reason, "tool_calls");
    assert.equal(choice.message.content, null);
    const call = choice.message.tool_calls![0] as OpenAI.Chat.ChatCompletionMessageFunctionToolCall;
    assert.equal(call.type, "function");
    assert.equal(call.function.name, "get_weather");
    assert.equal(typeof JSON.parse(call.function.arguments).city, "string");

    messages.push(choice.message, { role: "tool", tool_call_id: call.id, content: '{"temp": 21}' });
    const second = await sdk.chat.completions.create({ model: "GLM-4-Plus", messages, tools: [weatherTool] });
    assert.equal(second.choices[0].finish_reason, "stop");
    assert.match(second.choices[0].message.content ?? "", /The tool returned: \{"temp": 21\}/);
  });

  test("stream: tool-call deltas carry index, id, type and name; arguments concatenate", async () => {
    const s = await sdk.chat.completions.create({
      model: "GLM-4-Air",
      messages: [{ role: "user", content: "Paris" }],
      tools: [weatherTool],
      stream: true,
    });
    const calls: { id?: string; name?: string; args: string }[] = [];
    let finish: string | null = null;
    for await (const c of s) {
      for (const d of c.choices[0]?.delta.tool_calls ?? []) {
        assert.equal(typeof d.index, "number");
        calls[d.index] ??= { args: "" };
        if (d.id) calls[d.index].id = d.id;
        if (d.function?.name) calls[d.index].name = d.function.name;
        calls[d.index].args += d.function?.arguments ?? "";
      }
      finish = c.choices[0]?.finish_reason ?? finish;
    }
    assert.equal(finish, "tool_calls");
    assert.equal(calls.length, 1);
    assert.ok(calls[0].id);
    assert.equal(calls[0].name, "get_weather");
    assert.deepEqual(JSON.parse(calls[0].args), { city: "Paris" });
  });

  test("stream: the follow-up turn with a tool message streams the answer", async () => {
    const s = await sdk.chat.completions.create({
      model: "GLM-4-Air",
      stream: true,
      tools: [weatherTool],
      messages: [
        { role: "user", content: "Paris" },
        {
          role: "assistant",
          content: null,
          tool_calls: [
            { id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
          ],
        },
        { role: "tool", tool_call_id: "call_1", content: "sunny" },
      ],
    });
    let text = "";
    for await (const c of s) text += c.choices[0]?.delta.content ?? "";
    assert.equal(text, "The tool returned: sunny");
  });

  test("tool_choice none sends no tools upstream and gets text", async () => {
    const t = tag();
    const r = await sdk.chat.completions.create({
      model: "GLM-4-Air",
      messages: [{ role: "user", content: t }],
      tools: [weatherTool],
      tool_choice: "none",
    });
    assert.equal(r.choices[0].finish_reason, "stop");
    assert.equal((await upstreamRequestTagged(t))?.body.tools, undefined);
  });
});

describe("model retrieval", () => {
  test("GET /v1/models/{id} finds a model case-insensitively and 404s an unknown one", async () => {
    assert.equal((await sdk.models.retrieve("glm-4-long")).id, "GLM-4-Long");
    await assert.rejects(sdk.models.retrieve("GLM-3"), (e: unknown) => (e as { status?: number }).status === 404);
  });
});

describe("structured outputs and history as the SDK sends it back", () => {
  const place = {
    type: "object",
    properties: { city: { type: "string" }, population: { type: "integer" } },
    required: ["city", "population"],
    additionalProperties: false,
  };

  test("parse() with a json_schema: JSON mode upstream, the schema told to the model, the reply parsed", async () => {
    const t = tag();
    for (const stream of [false, true]) {
      const body = {
        model: "GLM-4-Air",
        messages: [{ role: "user" as const, content: `${t} Where is the Eiffel tower?` }],
        response_format: { type: "json_schema" as const, json_schema: { name: "place", schema: place, strict: true } },
      };
      const message = stream
        ? (await sdk.chat.completions.stream(body).finalChatCompletion()).choices[0].message
        : (await sdk.chat.completions.parse(body)).choices[0].message;
      const parsed = (message.parsed ?? JSON.parse(message.content ?? "")) as Record<string, unknown>;
      assert.deepEqual(Object.keys(parsed), ["city", "population"]);
      assert.equal(typeof parsed.city, "string");
      assert.equal(parsed.population, 1);
    }
    const sent = (await upstreamRequestTagged(t))?.body;
    assert.ok(sent, "the request reached upstream");
    assert.deepEqual(sent.response_format, { type: "json_object" });
    const system = (sent.messages as { role: string; content: string }[])[0];
    assert.equal(system.role, "system");
    assert.ok(system.content.includes(JSON.stringify(place)));
  });

  test("an empty assistant turn (a reply stopped by moderation) can be sent back; it is not sent upstream", async () => {
    const t = tag();
    const r = await sdk.chat.completions.create({
      model: "GLM-4-Flash",
      messages: [
        { role: "user", content: "first question" },
        { role: "assistant", content: "", refusal: null },
        { role: "user", content: t },
      ],
    });
    assert.equal(r.choices[0].finish_reason, "stop");
    const sent = await upstreamRequestTagged(t);
    assert.ok(sent, "the request reached upstream");
    const roles = (sent.body.messages as { role: string }[]).map((m) => m.role);
    assert.deepEqual(roles, ["user", "user"]);
  });
});
