import assert from "node:assert/strict";
import { test } from "node:test";
import { replyLanguage, streamPieces } from "@/lib/upstream/demo-text";

const simulate = async (content: string, extra: { thinking?: { type: string } } = {}) => {
  const { simulateReply } = await import("@/lib/upstream/simulator");
  const reply = simulateReply({ model: "glm-4-flash", messages: [{ role: "user", content }], ...extra });
  assert.equal(reply.kind, "text");
  return reply.kind === "text" ? reply : assert.fail("a text reply");
};

test("a message's language is the script most of its letters are in", () => {
  assert.equal(replyLanguage("Tell me about the sea."), "en");
  assert.equal(replyLanguage("请介绍一下智谱AI"), "zh");
  assert.equal(replyLanguage("こんにちは、自己紹介をしてください。"), "ja");
  // Kanji with a single kana is Japanese; mostly English with a Japanese phrase stays English.
  assert.equal(replyLanguage("京都の紅葉"), "ja");
  assert.equal(replyLanguage("Export me: 京都の紅葉"), "en");
  assert.equal(replyLanguage(""), "en");
  assert.equal(replyLanguage("12345 !!!"), "en");
  // Code says nothing of the writer's language: a question about it is answered in the question's.
  assert.equal(replyLanguage("```js\nconsole.log(1)\n```\nこのコードは何をしますか？"), "ja");
  assert.equal(replyLanguage("`Array.prototype.flatMap` 是做什么的？"), "zh");
  assert.equal(replyLanguage("What does `京都の紅葉` print?"), "en");
  // Model and product names say nothing of it either: a Chinese question about GLM-4-Plus is Chinese.
  assert.equal(replyLanguage("GLM-4-Plus 和 GLM-4-Flash 有什么区别？"), "zh");
  assert.equal(replyLanguage("请用一个表格比较 GLM-4-Plus 和 GLM-4-Flash，并给出一段 Python 代码示例。"), "zh");
  assert.equal(replyLanguage("GLM と ChatGPT の違いは？"), "ja");
  assert.equal(replyLanguage("UPSTREAM_API_KEY はどこで設定しますか"), "ja");
  assert.equal(replyLanguage("Tell me about GLM-4-Plus and ChatGPT."), "en");
  assert.equal(replyLanguage("HELLO WORLD"), "en");
});

test("the demo answers a Chinese or Japanese message in its own language, streamed piece by piece", async () => {
  const zh = await simulate("请介绍一下智谱AI");
  const zhText = zh.words.join("");
  assert.match(zhText, /^这是 glm-4-flash（演示上游）的模拟回复。你写道：“请介绍一下智谱AI”。/);
  assert.match(zhText, /UPSTREAM_API_KEY/);
  assert.ok(zh.words.length > 20, `${zh.words.length} pieces`);
  assert.ok(
    zh.words.every((w) => w.length <= 20),
    "no piece is a whole sentence",
  );

  const ja = await simulate("こんにちは、自己紹介をしてください。");
  assert.match(ja.words.join(""), /^これは glm-4-flash（デモ用アップストリーム）による模擬返信です。.*「こんにちは/);

  const en = await simulate("Export me: 京都の紅葉");
  assert.match(
    en.words.join(""),
    /^This is a simulated reply from glm-4-flash \(demo upstream\)\. You wrote: “Export me: 京都の紅葉”\./,
  );

  const thinking = await simulate("你好", { thinking: { type: "enabled" } });
  assert.match(thinking.reasoning?.join("") ?? "", /^用户写了 2 个字符。/);
});

test("the quoted message cannot open a block that swallows the rest of the reply", async () => {
  const reply = await simulate("Compare these:\n```python\nprint('hi')\n```\n- one\n- two");
  const text = reply.words.join("");
  assert.doesNotMatch(text, /\n/);
  assert.match(text, /You wrote: “Compare these: ```python print\('hi'\) ``` - one - two”\. No real model answered/);
  const long = await simulate("海".repeat(400));
  assert.match(long.words.join(""), /“海{160}…”/);
});

test("stream pieces put the text back together exactly", () => {
  const samples = [
    "这是 GLM-4-Flash（演示上游）的模拟回复。你写道：“a b  c”。",
    "これは テスト 🧪👩‍💻 です。UPSTREAM_API_KEY を設定",
    "  leading and trailing  ",
    "𠀀𠀁 mixed 中文 and 日本語かな 123.45",
  ];
  for (const s of samples) {
    for (const lang of ["zh", "ja", "en"] as const) assert.equal(streamPieces(s, lang).join(""), s, `${lang}: ${s}`);
  }
  assert.deepEqual(streamPieces("你好世界", "zh"), ["你好", "世界"]);
});
