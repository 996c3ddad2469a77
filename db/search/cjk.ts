import "server-only";

/** Han, Hiragana, Katakana and Hangul: scripts written without spaces between words. */
const CJK_RUN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}ー]+/gu;

/**
 * The single characters and overlapping character pairs of every CJK run ("量子计算" → "量 子 计 算 量子 子计
 * 计算"), space-separated for FTS5's unicode61 tokenizer. The trigram index cannot answer one- and
 * two-character queries, which are common in Chinese and Japanese; this index can.
 */
export function cjkGrams(text: string): string {
  const grams = new Set<string>();
  for (const run of text.match(CJK_RUN) ?? []) {
    const chars = [...run];
    for (let i = 0; i < chars.length; i++) {
      grams.add(chars[i]);
      if (i + 1 < chars.length) grams.add(chars[i] + chars[i + 1]);
    }
  }
  return [...grams].join(" ");
}

/** True when a short query is all CJK, so the gram index can answer it exactly. */
export const isCjkQuery = (q: string) =>
  /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}ー]{1,2}$/u.test(q);
