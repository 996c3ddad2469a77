import assert from "node:assert/strict";
import { test } from "node:test";
import { SseFramer } from "@/lib/gateway/sse-framer";

const frame = (parts: Uint8Array[]) => {
  const framer = new SseFramer();
  const out: string[] = [];
  for (const p of parts) framer.push(p, out);
  return out;
};

const STREAM =
  '\uFEFFdata: {"a":"电脑"}\r\n\r\n' +
  ": a comment\n" +
  "event: message\nid: 7\ndata: line one\ndata:line two\ndata\n\n" +
  "data: cr only\r\rdata: 日本語のテキスト\n\n" +
  "data: [DONE]\n\n" +
  "data: unfinished";
const EXPECTED = ['{"a":"电脑"}', "line one\nline two\n", "cr only", "日本語のテキスト", "[DONE]"];

test("events come out whole, whatever the line endings, comments, fields and BOM", () => {
  assert.deepEqual(frame([Buffer.from(STREAM)]), EXPECTED);
});

test("the same events however the bytes are split, even inside a CRLF or a multi-byte character", () => {
  const bytes = Buffer.from(STREAM);
  for (let i = 1; i < bytes.length; i++) {
    assert.deepEqual(frame([bytes.subarray(0, i), bytes.subarray(i)]), EXPECTED, `split at byte ${i}`);
  }
  assert.deepEqual(frame([...bytes].map((b) => Uint8Array.of(b))), EXPECTED, "one byte at a time");
});

test("a bytes reader is asked about one-line events ending in LF + blank line, and its answer replaces the data", () => {
  const asked: string[] = [];
  const framer = new SseFramer<{ upper: string }>((buf, from, to) => {
    const data = buf.toString("utf8", from, to);
    asked.push(data);
    return data.startsWith("take") ? { upper: data.toUpperCase() } : null;
  });
  const out: (string | { upper: string })[] = [];
  framer.push(
    Buffer.from(
      "data: first\n\ndata: take me\n\ndata: leave me\n\ndata: take\ndata: two lines\n\ndata: take crlf\r\n\r\n",
    ),
    out,
  );
  // The first line (a BOM's place), a multi-line event and a CRLF one are decoded as usual.
  assert.deepEqual(asked, ["take me", "leave me"]);
  assert.deepEqual(out, ["first", { upper: "TAKE ME" }, "leave me", "take\ntwo lines", "take crlf"]);
});
