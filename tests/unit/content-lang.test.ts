import assert from "node:assert/strict";
import { test } from "node:test";
import { contentLang } from "@/lib/i18n/content-lang";

test("Japanese and Chinese text is tagged with its language; English and bare Han are left to the page", () => {
  assert.equal(contentLang("このメモを要約してください。"), "ja");
  assert.equal(contentLang("Planning a trip to Kyoto 京都の紅葉"), "ja");
  assert.equal(contentLang("カタカナ"), "ja");
  assert.equal(contentLang("请介绍一下智谱AI"), "zh-CN");
  assert.equal(contentLang("我们来讨论量子计算的未来"), "zh-CN");
  // Han alone is written in both languages: 東京駅 or 学生 say nothing about which.
  assert.equal(contentLang("東京駅"), undefined);
  assert.equal(contentLang("学生"), undefined);
  assert.equal(contentLang("Tell me about the sea."), undefined);
  assert.equal(contentLang(""), undefined);
  // A long message is judged by its opening.
  assert.equal(contentLang(`这是${"a".repeat(5000)}`), "zh-CN");
  assert.equal(contentLang(`${"a".repeat(5000)}です`), undefined);
});
