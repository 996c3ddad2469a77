/** Each upstream fault the stand-in can inject, as an OpenAI client sees it. */
import assert from "node:assert/strict";
import http from "node:http";
import { before, describe, test } from "node:test";
import OpenAI from "openai";
import {
  APP_URL,
  client,
  createKey,
  eventually,
  sqlRow,
  post,
  sleep,
  standinLog,
  tag,
  upstreamRequestTagged,
} from "./helpers";

let key: string;
let sdk: OpenAI;
before(async () => {
  key = await createKey("faults");
  sdk = client(key);
});

function ask(content: string): { model: string; messages: { role: "user"; content: string }[]; stream: false };
function ask(
  content: string,
  stream: true,
): { model: string; messages: { role: "user"; content: string }[]; stream: true };
function ask(
  content: string,
  stream: boolean,
): { model: string; messages: { role: "user"; content: string }[]; stream: boolean };
function ask(content: string, stream = false) {
  return { model: "GLM-4-Air", messages: [{ role: "user" as const, content }], stream };
}

async function rawStream(content: string) {
  const res = await post("/v1/chat/completions", ask(content, true), { authorization: `Bearer ${key}` });
  return { res, text: await res.text() };
}

describe("upstream failures before the first byte", () => {
  const cases: [string, number, string, Record<string, string>?][] = [
    ["[fault:http500]", 502, "upstream_error"],
    ["[fault:http429]", 429, "rate_limit_exceeded", { "retry-after": "7" }],
    ["[fault:arrears]", 429, "insufficient_quota", { "x-should-retry": "false" }],
    ["[fault:auth]", 502, "upstream_auth_error", { "x-should-retry": "false" }],
    ["[fault:1261]", 400, "context_length_exceeded"],
    ["[fault:1211]", 404, "model_not_found"],
    ["[fault:slow-headers]", 504, "upstream_timeout"],
    ["[fault:slow-first-byte]", 504, "upstream_timeout"],
  ];
  for (const [marker, status, code, headers] of cases) {
    for (const stream of [false, true]) {
      test(`${marker} ${stream ? "stream" : "non-stream"} → ${status} ${code}`, async () => {
        const res = await post("/v1/chat/completions", ask(`${marker} ${tag()}`, stream), {
          authorization: `Bearer ${key}`,
        });
        assert.equal(res.status, status);
        const body = (await res.json()) as { error: { code: string; message: string } };
        assert.equal(body.error.code, code);
        assert.doesNotMatch(body.error.message, /standin-key/);
        for (const [h, v] of Object.entries(headers ?? {})) assert.equal(res.headers.get(h), v);
      });
    }
  }

  test("Zhipu's Chinese message comes after an English sentence that says what happened", async () => {
    for (const [marker, english, zhipu] of [
      [
        "[fault:http429]",
        "Rate limit reached at the upstream; retry later.",
        "Zhipu (1302): 您当前使用该API的并发数过高",
      ],
      ["[fault:1261]", "The prompt is longer than the model's context window.", "Zhipu (1261): Prompt 超长"],
    ]) {
      const res = await post("/v1/chat/completions", ask(`${marker} ${tag()}`), { authorization: `Bearer ${key}` });
      const { error } = (await res.json()) as { error: { message: string } };
      assert.ok(error.message.startsWith(`${english} ${zhipu}`), error.message);
    }
  });

  test("the SDK does not retry an upstream auth failure: a retry cannot fix the operator's key", async () => {
    const t = tag();
    await assert.rejects(
      client(key, 2).chat.completions.create(ask(`[fault:auth] ${t}`)),
      (err: unknown) => err instanceof OpenAI.InternalServerError,
    );
    const calls = (await standinLog()).filter((r) => JSON.stringify(r.body.messages).includes(t));
    assert.equal(calls.length, 1);
  });

  test("the SDK sees a RateLimitError and would honour retry-after", async () => {
    await assert.rejects(
      sdk.chat.completions.create(ask("[fault:http429]")),
      (err: unknown) => err instanceof OpenAI.RateLimitError && err.headers?.get("retry-after") === "7",
    );
  });
});

describe("upstream failures mid-stream: an error event, never a clean stop", () => {
  for (const marker of [
    "[fault:cut]",
    "[fault:truncate]",
    "[fault:garbage]",
    "[fault:stream-error]",
    "[fault:stall]",
    "[fault:network_error]",
  ]) {
    test(`${marker}`, async () => {
      const { res, text } = await rawStream(`${marker} ${tag()}`);
      assert.equal(res.status, 200);
      const frames = text.split("\n\n").filter((f) => f.startsWith("data: "));
      const last = JSON.parse(frames.at(-1)!.slice(6));
      assert.ok(last.error?.message, `the stream ends with an error event: ${frames.at(-1)}`);
      assert.ok(!text.includes('"finish_reason":"stop"'), "never a fake stop");
      assert.ok(!text.includes("[DONE]"));
    });
  }

  test("the SDK throws on an in-stream error after the pieces that arrived", async () => {
    const s = await sdk.chat.completions.create(ask("[fault:stream-error]", true));
    let text = "";
    await assert.rejects(
      async () => {
        for await (const c of s) text += c.choices[0]?.delta.content ?? "";
      },
      (err: unknown) => err instanceof OpenAI.APIError,
    );
    assert.ok(text.length > 0);
  });

  test("a stalled upstream gets keep-alive comments before the timeout", async () => {
    const { text } = await rawStream("[fault:stall]");
    assert.match(text, /^: ping$/m);
    assert.match(text, /upstream_timeout/);
  });

  test("mid-stream failures are recorded with their status", async () => {
    const row = await eventually(
      () => sqlRow("select status, error_code from usage where error_code = 'upstream_timeout' and stream"),
      Boolean,
    );
    assert.ok(row);
  });
});

describe("upstream quirks that must not matter", () => {
  for (const marker of ["[fault:crlf]", "[fault:split]", "[fault:noise]"]) {
    test(`${marker}: the reply arrives whole`, async () => {
      const s = await sdk.chat.completions.create(ask(`${marker} hello`, true));
      let text = "";
      for await (const c of s) text += c.choices[0]?.delta.content ?? "";
      assert.match(text, /^This is a simulated reply from glm-4-air .*hello/);
    });
  }

  test("sensitive → content_filter", async () => {
    const r = await sdk.chat.completions.create(ask("[fault:sensitive]"));
    assert.equal(r.choices[0].finish_reason, "content_filter");
    const s = await sdk.chat.completions.create(ask("[fault:sensitive]", true));
    let finish: string | null = null;
    for await (const c of s) finish = c.choices[0]?.finish_reason ?? finish;
    assert.equal(finish, "content_filter");
  });
});

describe("client disconnects", () => {
  test("aborting a stream closes the upstream request within 1 s", async () => {
    const t = tag();
    const ctrl = new AbortController();
    const res = await fetch(`${APP_URL}/v1/chat/completions`, {
      method: "POST",
      signal: ctrl.signal,
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify(ask(`[words:2000][delay:20] ${t}`, true)),
    });
    const reader = res.body!.getReader();
    for (let i = 0; i < 3; i++) await reader.read();
    const abortedAt = Date.now();
    ctrl.abort();
    let closed;
    for (let i = 0; i < 40 && !closed; i++) {
      await sleep(50);
      closed = (await upstreamRequestTagged(t))?.closedAt;
    }
    const up = await upstreamRequestTagged(t);
    assert.ok(up?.closedAt, "the upstream request was closed");
    assert.equal(up.completed, false);
    assert.ok(up.closedAt - abortedAt < 1000, `closed ${up.closedAt - abortedAt} ms after the abort`);
    await sleep(100);
    const row = await sqlRow<{ error_code: string }>(
      "select status, error_code from usage where status = 499 order by id desc limit 1",
    );
    assert.equal(row?.error_code, "client_closed");
  });
});

describe("a client that reads slowly", () => {
  test("stops reading for a while: the gateway waits for it, and the whole reply arrives in order", async () => {
    const words = 20_000; // ~4 MB of frames: more than the sockets between us and the server hold
    const body = JSON.stringify(ask(`[words:${words}][delay:0] ${tag()} go`, true));
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = http.request(`${APP_URL}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      });
      req.on("response", resolve).on("error", reject);
      req.end(body);
    });
    assert.equal(res.statusCode, 200);
    res.pause();
    // Well past STREAM_KEEPALIVE_MS (400 in npm test): a slow client is not a silent upstream, and gets no ping.
    await sleep(1500);
    let text = "";
    res.setEncoding("utf8");
    for await (const part of res) text += part;
    const frames = text.split("\n\n").filter(Boolean);
    assert.deepEqual(
      frames.filter((f) => f.startsWith(":")),
      [],
      "no keep-alive comment while only the client was behind",
    );
    assert.equal(frames.at(-1), "data: [DONE]");
    const contents = frames.slice(0, -1).map((f) => JSON.parse(f.slice(6)).choices[0]?.delta?.content ?? "");
    const said = contents.filter(Boolean);
    assert.equal(said.length, words);
    // The stand-in repeats one sentence's words in order: a word lost, doubled or moved breaks the period.
    const period = said.findIndex(
      (w, i) => i > 0 && w === said[0] && said[i + 1] === said[1] && said[i + 2] === said[2],
    );
    assert.ok(period > 3, `a sentence of ${period} words`);
    for (let i = period; i < said.length; i++) assert.equal(said[i], said[i - period], `word ${i}`);
  });
});
