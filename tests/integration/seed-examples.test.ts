/** The seed document's examples, unchanged but for the base URL and key, through the official SDK and curl. */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { before, describe, test } from "node:test";
import { APP_URL, client, createKey, sqlRows, tag, upstreamRequestTagged } from "./helpers";

let key: string;
before(async () => {
  key = await createKey("seed-examples");
});

describe("the seed's examples", () => {
  test("JavaScript example (non-stream) answers, and the upstream gets the seed's defaults", async () => {
    const t = tag();
    const response = await client(key).chat.completions.create({
      model: "GLM-4-Air",
      messages: [
        { role: "system", content: "你是一个智能助手" },
        { role: "user", content: `请介绍一下智谱AI ${t}` },
      ],
      temperature: 0.7,
      stream: false,
    });
    assert.equal(response.object, "chat.completion");
    assert.equal(response.model, "GLM-4-Air");
    assert.match(response.id, /^chatcmpl-/);
    assert.equal(response.choices[0].finish_reason, "stop");
    assert.match(response.choices[0].message.content ?? "", /请介绍一下智谱AI/);
    assert.ok(
      response.usage && response.usage.total_tokens === response.usage.prompt_tokens + response.usage.completion_tokens,
    );
    const up = await upstreamRequestTagged(t);
    assert.equal(up?.body.model, "glm-4-air");
    assert.equal(up?.body.temperature, 0.7);
    assert.equal(up?.body.top_p, 0.9, "top_p defaults to the seed's 0.9, sent explicitly");
    assert.equal(up?.authorization, "Bearer standin-key", "the operator's key goes upstream, never the client's");
  });

  test("the same request streamed arrives in pieces with one id and a stop", async () => {
    const stream = await client(key).chat.completions.create({
      model: "GLM-4-Air",
      messages: [
        { role: "system", content: "你是一个智能助手" },
        { role: "user", content: "请介绍一下智谱AI" },
      ],
      temperature: 0.7,
      stream: true,
    });
    const ids = new Set<string>();
    let text = "";
    let pieces = 0;
    let finish: string | null = null;
    for await (const chunk of stream) {
      ids.add(chunk.id);
      assert.equal(chunk.object, "chat.completion.chunk");
      assert.equal(chunk.model, "GLM-4-Air");
      assert.equal(chunk.usage, undefined, "no usage without include_usage");
      const c = chunk.choices[0];
      if (c?.delta.content) {
        text += c.delta.content;
        pieces++;
      }
      if (c?.finish_reason) finish = c.finish_reason;
    }
    assert.equal(ids.size, 1);
    assert.ok(pieces > 5, `expected many pieces, got ${pieces}`);
    assert.match(text, /请介绍一下智谱AI/);
    assert.equal(finish, "stop");
  });

  test("cURL example, temperature only: top_p 0.9 still goes upstream", async () => {
    const t = tag();
    const out = execFileSync(
      "curl",
      [
        "-s",
        `${APP_URL}/v1/chat/completions`,
        "-H",
        "Content-Type: application/json",
        "-H",
        `Authorization: Bearer ${key}`,
        "-d",
        `{
    "model": "GLM-4-Air",
    "messages": [
      {"role": "system", "content": "你是一个智能助手"},
      {"role": "user", "content": "请介绍一下智谱AI ${t}"}
    ],
    "temperature": 0.7
  }`,
      ],
      { encoding: "utf8" },
    );
    const body = JSON.parse(out);
    assert.equal(body.choices[0].message.role, "assistant");
    assert.equal(body.model, "GLM-4-Air");
    const up = await upstreamRequestTagged(t);
    assert.equal(up?.body.top_p, 0.9);
    assert.equal(up?.body.stream, false);
  });

  test("omitted or null temperature and top_p are sent as 0.7 and 0.9; clamps apply", async () => {
    const t1 = tag();
    await client(key).chat.completions.create({
      model: "GLM-4-Air",
      messages: [{ role: "user", content: t1 }],
      temperature: null,
      top_p: null,
    });
    const up1 = await upstreamRequestTagged(t1);
    assert.equal(up1?.body.temperature, 0.7);
    assert.equal(up1?.body.top_p, 0.9);
    const t2 = tag();
    await client(key).chat.completions.create({
      model: "GLM-4-Air",
      messages: [{ role: "user", content: t2 }],
      temperature: 0,
      top_p: 1,
    });
    const up2 = await upstreamRequestTagged(t2);
    assert.equal(up2?.body.temperature, 0.01);
    assert.equal(up2?.body.do_sample, false);
    assert.equal(up2?.body.top_p, 0.99);
  });

  test("every request lands in the usage ledger with tokens and timings", async () => {
    const rows = await sqlRows<{
      prompt_tokens: number;
      completion_tokens: number;
      ttft_ms: number | null;
      duration_ms: number;
      stream: number | boolean;
      api_key_id: string;
    }>("select * from usage where source = 'api' and model = 'GLM-4-Air' and status = 200 order by id");
    assert.ok(rows.length >= 4);
    assert.ok(rows.some((r) => Boolean(r.stream)) && rows.some((r) => !r.stream));
    for (const r of rows) {
      assert.ok(r.prompt_tokens > 0 && r.completion_tokens > 0);
      assert.ok(r.ttft_ms !== null && r.ttft_ms >= 0 && r.duration_ms >= r.ttft_ms);
      assert.ok(r.api_key_id);
    }
  });
});
