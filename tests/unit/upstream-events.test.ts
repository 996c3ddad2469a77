import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { AppError } from "@/lib/errors";
import { Stop } from "@/lib/gateway/stop";
import type { UpstreamCall } from "@/lib/gateway/upstream";

// config() reads the environment once, so it must be set before lib/ is loaded.
const TIMEOUT_MS = 200;
process.env.UPSTREAM_FIRST_BYTE_TIMEOUT_MS = String(TIMEOUT_MS);
process.env.DATABASE_URL = ":memory:";
process.env.AUTH_SECRET = "unit-test-secret";
let pumpUpstreamEvents: typeof import("@/lib/gateway/upstream-pump").pumpUpstreamEvents;
let fromWebResponse: typeof import("@/lib/gateway/upstream-http").fromWebResponse;
let PlainText: typeof import("@/lib/gateway/plain-text-chunks").PlainText;
before(async () => {
  ({ pumpUpstreamEvents } = await import("@/lib/gateway/upstream-pump"));
  ({ fromWebResponse } = await import("@/lib/gateway/upstream-http"));
  ({ PlainText } = await import("@/lib/gateway/plain-text-chunks"));
});

const enc = new TextEncoder();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * An UpstreamCall over a body that sends `chunks` (each after `gapMs`) and then closes, or stays silent
 * when `keepOpen`. Aborting the call errors the body, as fetch does.
 */
function makeCall(chunks: (string | Uint8Array)[], opts: { keepOpen?: boolean; gapMs?: number; fail?: Error } = {}) {
  const stop = new Stop();
  let i = 0;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      stop.onStop((reason) => c.error(reason ?? new Error("aborted")));
    },
    async pull(c) {
      if (opts.gapMs) await sleep(opts.gapMs);
      if (stop.stopped) return;
      if (i < chunks.length) {
        const chunk = chunks[i++];
        c.enqueue(typeof chunk === "string" ? enc.encode(chunk) : chunk);
      } else if (opts.fail) c.error(opts.fail);
      else if (!opts.keepOpen) c.close();
      else return new Promise<void>(() => {}); // silent until aborted
    },
  });
  const call: UpstreamCall = {
    response: fromWebResponse(new Response(body)),
    abort: (r) => stop.stop(r ?? new Error("aborted")),
    stop,
  };
  return call;
}

/**
 * Pumps a call: what it delivered so far (and when the first came), and its end (rejected on failure). A
 * chunk read from its bytes as plain text (see the tests of that below) is shown as the chunk `ev` makes.
 */
function pump(call: UpstreamCall, o: { raw?: boolean } = {}) {
  const seen: unknown[] = [];
  let firstAt = 0;
  const ended = new Promise<unknown[]>((resolve, reject) =>
    pumpUpstreamEvents(call, {
      payloads(batch) {
        firstAt ||= Date.now();
        for (const p of batch) seen.push(p instanceof PlainText && !o.raw ? textEvent(p.text) : p);
      },
      end: () => resolve(seen),
      fail: reject,
    }),
  );
  return { seen, ended, firstAt: () => firstAt };
}

const collect = (call: UpstreamCall) => pump(call).ended;

async function rejection(p: Promise<unknown>) {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof AppError, `expected a AppError, got ${err}`);
    return err;
  }
  assert.fail("expected the stream to fail");
}

const textEvent = (content: string) => ({ choices: [{ index: 0, delta: { content } }] });
const ev = (n: number) => textEvent(`w${n}`);
const sse = (data: unknown, eol = "\n") => `data: ${JSON.stringify(data)}${eol}${eol}`;

describe("pumpUpstreamEvents: parsing", () => {
  test("plain \\n frames until [DONE]", async () => {
    assert.deepEqual(await collect(makeCall([sse(ev(1)) + sse(ev(2)), "data: [DONE]\n\n"])), [ev(1), ev(2)]);
  });

  test("\\r\\n line endings", async () => {
    assert.deepEqual(await collect(makeCall([sse(ev(1), "\r\n") + sse(ev(2), "\r\n") + "data: [DONE]\r\n\r\n"])), [
      ev(1),
      ev(2),
    ]);
  });

  test("a stream split into two chunks at every possible point", async () => {
    for (const eol of ["\n", "\r\n"]) {
      const whole = sse(ev(1), eol) + sse({ text: "héllo 你好" }, eol) + `data: [DONE]${eol}${eol}`;
      const bytes = enc.encode(whole); // splits fall mid-JSON, mid line ending and mid UTF-8 character
      for (let cut = 1; cut < bytes.length; cut++) {
        const got = await collect(makeCall([bytes.slice(0, cut), bytes.slice(cut)]));
        assert.deepEqual(got, [ev(1), { text: "héllo 你好" }], `eol ${JSON.stringify(eol)}, cut at byte ${cut}`);
      }
    }
  });

  test("a stream sent one byte at a time", async () => {
    const bytes = enc.encode(sse(ev(1), "\r\n") + sse(ev(2)) + "data: [DONE]\n\n");
    assert.deepEqual(await collect(makeCall(Array.from(bytes, (b) => new Uint8Array([b])))), [ev(1), ev(2)]);
  });

  test("multi-line data fields are joined with a newline", async () => {
    const got = await collect(makeCall(['data: {"a":\ndata: 1,\ndata: "b": [2]}\n\n', "data: [DONE]\n\n"]));
    assert.deepEqual(got, [{ a: 1, b: [2] }]);
  });

  test("comment lines and other fields are ignored", async () => {
    const got = await collect(
      makeCall([": ping\n\n", "id: 7\nevent: message\n" + sse(ev(1)), ": keep-alive\n\n", "data: [DONE]\n\n"]),
    );
    assert.deepEqual(got, [ev(1)]);
  });

  test("[DONE] ends it even if the connection stays open, and later events are dropped", async () => {
    const call = makeCall([sse(ev(1)) + "data: [DONE]\n\n" + sse(ev(2))], { keepOpen: true });
    const started = Date.now();
    assert.deepEqual(await collect(call), [ev(1)]);
    assert.ok(Date.now() - started < TIMEOUT_MS, "should not wait for the timeout");
    // The rest is read (so a connection can be reused) until the timeout: a body that never ends is then dropped.
    assert.equal(call.stop.stopped, false);
    await sleep(TIMEOUT_MS * 2);
    assert.equal(call.stop.stopped, true, "the call is aborted once the response has not ended within the timeout");
  });

  test("a body that closes without [DONE] just ends", async () => {
    assert.deepEqual(await collect(makeCall([sse(ev(1))])), [ev(1)]);
  });
});

describe("pumpUpstreamEvents: failures", () => {
  test("a data line that is not JSON is a 502 and aborts the call", async () => {
    const call = makeCall([sse(ev(1)) + "data: {not json\n\n" + sse(ev(2))], { keepOpen: true });
    const { seen, ended } = pump(call);
    const err = await rejection(ended);
    assert.equal(err.status, 502);
    assert.equal(err.code, "upstream_error");
    assert.deepEqual(seen, [ev(1)]);
    assert.equal(call.stop.stopped, true);
  });

  test("a stream that goes silent is a 504 after about the timeout", async () => {
    const call = makeCall([sse(ev(1))], { keepOpen: true });
    const { seen, ended, firstAt } = pump(call);
    const err = await rejection(ended);
    assert.deepEqual(seen, [ev(1)]);
    const waited = Date.now() - firstAt();
    assert.equal(err.status, 504);
    assert.equal(err.code, "upstream_timeout");
    assert.ok(waited >= TIMEOUT_MS - 20 && waited < TIMEOUT_MS + 500, `waited ${waited} ms`);
  });

  test("a body silent from the start is a 504 too", async () => {
    const err = await rejection(collect(makeCall([], { keepOpen: true })));
    assert.equal(err.status, 504);
  });

  test("slow but steady chunks, each inside the timeout, are not a timeout", async () => {
    const chunks = [sse(ev(1)), sse(ev(2)), sse(ev(3)), sse(ev(4)), "data: [DONE]\n\n"];
    assert.deepEqual(await collect(makeCall(chunks, { gapMs: TIMEOUT_MS / 2 })), [ev(1), ev(2), ev(3), ev(4)]);
  });

  test("a connection cut mid-stream is a 502", async () => {
    const err = await rejection(collect(makeCall([sse(ev(1))], { fail: new TypeError("terminated") })));
    assert.equal(err.status, 502);
  });

  test("stopped by its reader: the call ends with the reader's reason, and nothing more is delivered", async () => {
    const call = makeCall([sse(ev(1)), sse(ev(2)), sse(ev(3))], { gapMs: 20, keepOpen: true });
    const seen: unknown[] = [];
    let told = 0;
    const reason = new Error("reader left");
    const p = pumpUpstreamEvents(call, {
      payloads(batch) {
        seen.push(...batch);
        p.stop(reason);
      },
      end: () => told++,
      fail: () => told++,
    });
    await sleep(120);
    assert.deepEqual(seen, [ev(1)]);
    assert.equal(told, 0);
    assert.equal(call.stop.reason, reason);
  });

  test("paused, it reads nothing until resumed", async () => {
    const call = makeCall([sse(ev(1)), sse(ev(2)), "data: [DONE]\n\n"], { gapMs: 5 });
    const seen: unknown[] = [];
    let ended = false;
    const p = pumpUpstreamEvents(call, {
      payloads(batch) {
        for (const c of batch) seen.push(c instanceof PlainText ? textEvent(c.text) : c);
        p.pause();
      },
      end: () => {
        ended = true;
      },
      fail: (err) => assert.fail(err),
    });
    await sleep(80);
    assert.deepEqual(seen, [ev(1)]);
    p.resume();
    await sleep(80);
    assert.deepEqual(seen, [ev(1), ev(2)]);
    p.resume();
    await sleep(80);
    assert.equal(ended, true);
  });

  test("an end the sink refuses (the reply had not finished) is its failure, not an exception", async () => {
    const call = makeCall([sse(ev(1))]);
    const failed = await new Promise<Error>((resolve) =>
      pumpUpstreamEvents(call, {
        payloads() {},
        end() {
          throw new AppError("upstream_error", "The upstream closed the stream before the reply finished.");
        },
        fail: resolve,
      }),
    );
    assert.ok(failed instanceof AppError);
    assert.equal(failed.status, 502);
  });
});

describe("pumpUpstreamEvents: plain text chunks read from their bytes", () => {
  const base = { id: "20261127-1", created: 1795767041, model: "glm-4-air" };
  const zhipu = (content: string, extra: Record<string, unknown> = {}) => ({
    ...base,
    choices: [{ index: 0, delta: { role: "assistant", content }, ...extra }],
  });
  const WORDS = ["Hello", " world", " 你好", " 🌊", ' say "hi"', " back\\slash", " new\nline", "\ttab", " end", "é"];
  const stream = () =>
    WORDS.map((w) => sse(zhipu(w))).join("") +
    sse(zhipu("", { finish_reason: "stop" })) +
    sse({ ...base, choices: [], usage: { prompt_tokens: 3, completion_tokens: 10, total_tokens: 13 } }) +
    "data: [DONE]\n\n";
  /** What the texts said, whichever way each chunk was read. */
  const texts = (seen: unknown[]) =>
    seen.map((p) => (p instanceof PlainText ? p.text : (p as ReturnType<typeof zhipu>).choices[0]?.delta.content));

  test("after one is parsed, chunks of its shape come as their text; escapes and others are parsed", async () => {
    const { ended } = pump(makeCall([stream()]), { raw: true });
    const seen = await ended;
    assert.deepEqual(texts(seen).slice(0, WORDS.length), WORDS);
    const plain = seen.map((p) => p instanceof PlainText);
    // The first is parsed (and teaches the shape); quotes, backslashes and control characters are parsed.
    assert.deepEqual(plain.slice(0, WORDS.length), [false, true, true, true, false, false, false, false, true, true]);
    assert.equal(plain.slice(WORDS.length).filter(Boolean).length, 0, "the finish and the usage are parsed");
  });

  test("the same texts however the bytes are split", async () => {
    const bytes = enc.encode(stream());
    for (let cut = 1; cut < bytes.length; cut += 7) {
      const seen = await pump(makeCall([bytes.slice(0, cut), bytes.slice(cut)]), { raw: true }).ended;
      assert.deepEqual(texts(seen).slice(0, WORDS.length), WORDS, `cut at byte ${cut}`);
    }
  });

  test("a chunk with another head, or a finish of the same shape, is parsed", async () => {
    const other = { ...zhipu("x"), id: "20261127-2" };
    const finish = (w: string) => sse(zhipu(w, { finish_reason: "stop" }));
    const seen = await pump(makeCall([sse(zhipu("a")) + sse(other) + finish("b") + finish("c") + "data: [DONE]\n\n"]), {
      raw: true,
    }).ended;
    assert.deepEqual(
      seen.map((p) => p instanceof PlainText),
      [false, false, false, false],
    );
    assert.deepEqual(seen[3], zhipu("c", { finish_reason: "stop" }));
  });
});
