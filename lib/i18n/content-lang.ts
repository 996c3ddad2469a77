/**
 * The language to tag a message (or a title) with when it is Japanese or Chinese, so that its Han characters
 * are drawn in that language's forms whatever the page's language: 直, 骨, 今 and many more look different in
 * Chinese and Japanese fonts, and a Japanese conversation read on a Chinese page (a share link, a colleague's
 * export) got the Chinese ones. Kana means Japanese. Han with a character only Simplified Chinese writes means
 * Chinese. Anything else (Latin, or Han alone, which both languages write) is left to the page's language.
 * (The demo upstream's replyLanguage, lib/upstream/demo-text.ts, asks another question: which language most of
 * a message is in.)
 */
export type ContentLang = "ja" | "zh-CN";

const KANA = /[\p{Script=Hiragana}\p{Script=Katakana}]/u;
const HAN = /\p{Script=Han}/u;
/** Common characters of Simplified Chinese that Japanese does not write (it has 説, 問, 題, 経, 東 … instead). */
const SIMPLIFIED_ONLY = /[这们说吗么个为对时还没给让从问题样经种吧呢啊您讲话请谢见现发开关东车书长门间电语认识]/u;

/** Reads at most this much: a message's opening says what language it is in. */
const SAMPLE = 2000;

export function contentLang(text: string): ContentLang | undefined {
  const sample = text.length > SAMPLE ? text.slice(0, SAMPLE) : text;
  if (KANA.test(sample)) return "ja";
  return HAN.test(sample) && SIMPLIFIED_ONLY.test(sample) ? "zh-CN" : undefined;
}
