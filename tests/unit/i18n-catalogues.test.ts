import assert from "node:assert/strict";
import { test } from "node:test";
import { LOCALES, matchAcceptLanguage, pickLocale } from "@/lib/i18n/locales";
import { messagesFor } from "@/lib/i18n/messages";

/** Every key path of a catalogue ("chat.composer.send"), with its value. */
function flatten(tree: unknown, prefix = "", out = new Map<string, unknown>()) {
  for (const [key, value] of Object.entries(tree as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (value && typeof value === "object") flatten(value, path, out);
    else out.set(path, value);
  }
  return out;
}

const english = flatten(messagesFor("en"));

for (const locale of LOCALES.filter((l) => l !== "en")) {
  test(`the ${locale} catalogue has every English key, and no other`, () => {
    const other = flatten(messagesFor(locale));
    const missing = [...english.keys()].filter((k) => !other.has(k));
    const extra = [...other.keys()].filter((k) => !english.has(k));
    assert.deepEqual(missing, [], `missing in ${locale}`);
    assert.deepEqual(extra, [], `only in ${locale}`);
  });

  test(`the ${locale} catalogue's messages are non-empty strings with the English placeholders`, () => {
    const other = flatten(messagesFor(locale));
    for (const [key, en] of english) {
      const value = other.get(key);
      assert.equal(typeof value, "string", key);
      assert.ok((value as string).trim(), `${key} is empty in ${locale}`);
      // Argument names only ("{count}", "{count, plural, …}"), not the words inside plural branches.
      const args = (s: string) => [...s.matchAll(/\{(\w+)\s*[,}]/g)].map((m) => m[1]).sort();
      assert.deepEqual(args(value as string), args(en as string), `${key}: placeholders differ in ${locale}`);
    }
  });
}

test("Accept-Language picks the best of English, 简体中文 and 日本語", () => {
  assert.equal(matchAcceptLanguage("ja-JP,ja;q=0.9,en;q=0.8"), "ja");
  assert.equal(matchAcceptLanguage("zh-CN,zh;q=0.9"), "zh-CN");
  assert.equal(matchAcceptLanguage("zh-Hans"), "zh-CN");
  assert.equal(matchAcceptLanguage("fr-FR,en;q=0.5,ja;q=0.7"), "ja");
  assert.equal(matchAcceptLanguage("zh-TW,en;q=0.1"), "en");
  assert.equal(matchAcceptLanguage("fr,de"), null);
  assert.equal(matchAcceptLanguage(""), null);
  assert.equal(matchAcceptLanguage("en;q=0,ja;q=0.2"), "ja");
});

test("the language: the account's setting, else the cookie, else Accept-Language, else English", () => {
  const ja = "ja-JP,ja;q=0.9";
  assert.equal(pickLocale({ account: "zh-CN", cookie: "en", acceptLanguage: ja }), "zh-CN");
  assert.equal(pickLocale({ account: null, cookie: "en", acceptLanguage: ja }), "en");
  assert.equal(pickLocale({ account: "xx", cookie: "bogus", acceptLanguage: ja }), "ja");
  assert.equal(pickLocale({ acceptLanguage: "fr" }), "en");
  assert.equal(pickLocale({}), "en");
});
