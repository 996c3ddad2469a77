/**
 * Thinking models' reasoning and Zhipu's web search through /v1, read with the official openai SDK (the
 * extra fields from the raw chunks and bodies, as reasoning-aware clients read them).
 */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import type OpenAI from "openai";
import { client, createKey, post, tag, upstreamRequestTagged } from "./helpers";

let sdk: OpenAI;
let key: string;
before(async () => {
  key = await createKey("reasoning-and-search");
  sdk = client(key);
});

type ReasoningMessage = OpenAI.Chat.ChatCompletionMessage & { reasoning_content?: string };
type ReasoningDelta = OpenAI.Chat.ChatCompletionChunk.Choice.Delta & { reasoning_content?: string };
type WithSources = { web_search?: { title: string; link?: string; media?: string }[] };

async function collect(stream: AsyncIterable<OpenAI.Chat.ChatCompletionChunk>) {
  const order: string[] = [];
  let reasoning = "";
  let content = "";
  let sources: WithSources["web_search"];
  let usage: OpenAI.CompletionUsage | undefined;
  for await (const chunk of stream) {
    const delta = chunk.choices[0]?.delta as ReasoningDelta | undefined;
    if ((chunk as WithSources).web_search) {
      assert.equal(sources, undefined, "web_search comes once");
      sources = (chunk as WithSources).web_search;
      order.push("sources");
    }
    if (delta?.reasoning_content) {
      reasoning += delta.reasoning_content;
      if (order.at(-1) !== "reasoning") order.push("reasoning");
    }
    if (delta?.content) {
      content += delta.content;
      if (order.at(-1) !== "content") order.push("content");
    }
    if (chunk.usage) usage = chunk.usage;
  }
  return { order, reasoning, content, sources, usage };
}

describe("reasoning", () => {
  test("non-stream: message.reasoning_content beside the answer, reasoning tokens kept in usage", async () => {
    const r = await sdk.chat.completions.create({
      model: "GLM-4-Air",
      messages: [{ role: "user", content: "Why is the sky blue? [fixture:reasoning]" }],
    });
    const message = r.choices[0].message as ReasoningMessage;
    assert.match(message.reasoning_content ?? "", /I should answer briefly/);
    assert.match(message.content ?? "", /simulated reply/);
    assert.doesNotMatch(message.content ?? "", /I should answer/);
    assert.ok((r.usage?.completion_tokens_details?.reasoning_tokens ?? 0) > 0);
  });

  test("stream: delta.reasoning_content chunks, all before the first content", async () => {
    const s = await sdk.chat.completions.create({
      model: "GLM-4-Air",
      messages: [{ role: "user", content: "Why? [fixture:reasoning]" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const got = await collect(s);
    assert.deepEqual(got.order, ["reasoning", "content"]);
    assert.match(got.reasoning, /^The user wrote \d+ characters\. I should answer briefly and plainly\.$/);
    assert.match(got.content, /simulated reply/);
    assert.ok((got.usage?.completion_tokens_details?.reasoning_tokens ?? 0) > 0);
  });

  test("<think>…</think> inside content (tags split across chunks) comes out as reasoning_content", async () => {
    const s = await sdk.chat.completions.create({
      model: "GLM-4-Air",
      messages: [{ role: "user", content: "Hm. [fixture:think-tags]" }],
      stream: true,
    });
    const got = await collect(s);
    assert.deepEqual(got.order, ["reasoning", "content"]);
    assert.match(got.reasoning, /^The user wrote \d+ characters\. I should answer briefly and plainly\.$/);
    assert.doesNotMatch(got.content, /think>/);
    assert.match(got.content, /^This is a simulated reply/);

    const r = await sdk.chat.completions.create({
      model: "GLM-4-Air",
      messages: [{ role: "user", content: "Hm. [fixture:think-tags]" }],
    });
    const message = r.choices[0].message as ReasoningMessage;
    assert.equal(message.reasoning_content, got.reasoning);
    assert.equal(message.content, got.content);
  });

  test("a model that does not think refuses `thinking` with a 400 naming the field", async () => {
    for (const type of ["enabled", "disabled"]) {
      const r = await post(
        "/v1/chat/completions",
        {
          model: "GLM-4-Flash",
          messages: [{ role: "user", content: "x" }],
          thinking: { type },
        },
        { authorization: `Bearer ${key}` },
      );
      assert.equal(r.status, 400);
      const body = (await r.json()) as { error: { param: string; message: string } };
      assert.equal(body.error.param, "thinking");
      assert.match(body.error.message, /GLM-4-Flash does not think/);
    }
    const bad = await post(
      "/v1/chat/completions",
      {
        model: "GLM-4-Flash",
        messages: [{ role: "user", content: "x" }],
        thinking: { type: "sometimes" },
      },
      { authorization: `Bearer ${key}` },
    );
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { error: { param: string } }).error.param, "thinking.type");
  });

  test("an assistant turn's reasoning_content goes back upstream (Zhipu wants it on tool-call turns)", async () => {
    const t = tag();
    await sdk.chat.completions.create({
      model: "GLM-4-Air",
      messages: [
        { role: "user", content: "Weather?" },
        {
          role: "assistant",
          content: null,
          reasoning_content: "I need the weather tool.",
          tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: "{}" } }],
        } as OpenAI.Chat.ChatCompletionAssistantMessageParam,
        { role: "tool", tool_call_id: "call_1", content: `sunny ${t}` },
      ],
    });
    const sent = (await upstreamRequestTagged(t))?.body.messages as unknown as Record<string, unknown>[];
    assert.equal(sent[1].reasoning_content, "I need the weather tool.");
  });
});

describe("web search", () => {
  const webSearch = {
    type: "web_search",
    web_search: { enable: true, search_result: true, search_query: "GLM-4", count: 5 },
  } as unknown as OpenAI.Chat.ChatCompletionTool;

  test("a web_search tool passes upstream unchanged, beside a function tool", async () => {
    const t = tag();
    const fn: OpenAI.Chat.ChatCompletionTool = {
      type: "function",
      function: { name: "lookup", parameters: { type: "object", properties: {} } },
    };
    await sdk.chat.completions.create({
      model: "GLM-4-Plus",
      messages: [{ role: "user", content: t }],
      tools: [webSearch, fn],
    });
    const sent = (await upstreamRequestTagged(t))?.body.tools as unknown[];
    assert.deepEqual(sent, [webSearch, fn]);
  });

  test("non-stream: the sources come back as a top-level web_search array; an empty link is dropped", async () => {
    const r = (await sdk.chat.completions.create({
      model: "GLM-4-Plus",
      messages: [{ role: "user", content: "What is GLM-4?" }],
      tools: [webSearch],
    })) as OpenAI.Chat.ChatCompletion & WithSources;
    assert.equal(r.web_search?.length, 2);
    assert.equal(r.web_search?.[0].link, "https://example.com/glm-4");
    assert.equal(r.web_search?.[1].title, "A source without a link");
    assert.equal("link" in (r.web_search?.[1] ?? {}), false);
    assert.match(r.choices[0].message.content ?? "", /simulated reply/);
  });

  test("stream: web_search on the first chunk that carries it, before the answer", async () => {
    const s = await sdk.chat.completions.create({
      model: "GLM-4-Plus",
      messages: [{ role: "user", content: "What is GLM-4?" }],
      tools: [webSearch],
      stream: true,
    });
    const got = await collect(s);
    assert.deepEqual(got.order, ["sources", "content"]);
    assert.equal(got.sources?.length, 2);
  });

  test("a retrieval tool passes too; an unknown tool type is refused naming the field", async () => {
    const retrieval = {
      type: "retrieval",
      retrieval: { knowledge_id: "kb_1" },
    } as unknown as OpenAI.Chat.ChatCompletionTool;
    const r = await sdk.chat.completions.create({
      model: "GLM-4-Air",
      messages: [{ role: "user", content: "kb?" }],
      tools: [retrieval],
    });
    assert.match(r.choices[0].message.content ?? "", /simulated reply/);
    const bad = await post(
      "/v1/chat/completions",
      {
        model: "GLM-4-Air",
        messages: [{ role: "user", content: "x" }],
        tools: [{ type: "code_interpreter" }],
      },
      { authorization: `Bearer ${key}` },
    );
    assert.equal(bad.status, 400);
    const body = (await bad.json()) as { error: { param: string; message: string } };
    assert.equal(body.error.param, "tools[0].type");
    assert.match(body.error.message, /"function", "web_search" or "retrieval"/);
  });
});
