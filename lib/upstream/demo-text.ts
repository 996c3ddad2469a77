/**
 * What the simulated model says, in the language of the message it answers, as a real model would: a Chinese
 * or Japanese user's first message on a fresh install (no UPSTREAM_API_KEY) was answered in English. Used by
 * the demo upstream and the test stand-in (lib/upstream/simulator.ts).
 */

export type ReplyLanguage = "en" | "zh" | "ja";

const KANA = /[\p{Script=Hiragana}\p{Script=Katakana}]/gu;
const HAN = /\p{Script=Han}/gu;
/** A Latin-script word, with digits and joined by `-`, `_` or `.` ("GLM-4-Plus", "UPSTREAM_API_KEY", "v1.2"). */
const LATIN_WORD = /[\p{Script=Latin}\p{N}]+(?:[-_.][\p{Script=Latin}\p{N}]+)*/gu;
/** A name rather than a word of prose: a digit, a joint, or a capital after the first letter (GLM, ChatGPT). */
const NAME = /\p{N}|[-_.]|.\p{Lu}/u;

/** Code in a message (fenced blocks, inline spans): Latin letters that say nothing of the writer's language. */
const CODE = /```[\s\S]*?(?:```|$)|`[^`\n]*`/g;

/**
 * (Not lib/i18n/content-lang.ts, which tags text for its Han glyphs and leaves mostly-English text with a Japanese
 * phrase as Japanese; a reply follows what most of the message is written in.)
 * The language a message is mostly written in, its code and names left out: Chinese or Japanese when its Han and
 * kana characters outnumber the letters of its Latin words (Japanese if any of them is kana), else English.
 * "Export me: 京都の紅葉" stays English; a Japanese question about a block of code is Japanese, and a Chinese one
 * comparing GLM-4-Plus with ChatGPT is Chinese (counted by their letters, the names outweighed it).
 */
export function replyLanguage(text: string): ReplyLanguage {
  const prose = text.replace(CODE, " ");
  const kana = prose.match(KANA)?.length ?? 0;
  const han = prose.match(HAN)?.length ?? 0;
  let latin = 0;
  for (const word of prose.match(LATIN_WORD) ?? []) if (!NAME.test(word)) latin += word.length;
  if (kana + han <= latin) return "en";
  return kana > 0 ? "ja" : "zh";
}

/**
 * The user's words as the reply quotes them: on one line and at most 160 characters. Quoted as typed, a code
 * fence or a list in the message opened a block in the reply and swallowed the sentence after it.
 */
export function quoteOf(typed: string): string {
  const line = typed.replace(/\s+/g, " ").trim();
  return line.length > 160 ? `${line.slice(0, 160)}…` : line;
}

export function demoReplyText(lang: ReplyLanguage, model: string, quoted: string, files: string[]): string {
  switch (lang) {
    case "zh":
      return (
        `这是 ${model}（演示上游）的模拟回复。你写道：“${quoted}”` +
        `${files.length ? `，并附上了 ${files.join("、")}` : ""}。` +
        "没有真实的模型作答：设置 UPSTREAM_API_KEY 即可与 GLM-4 对话。"
      );
    case "ja":
      return (
        `これは ${model}（デモ用アップストリーム）による模擬返信です。あなたのメッセージ：「${quoted}」` +
        `${files.length ? `（添付：${files.join("、")}）` : ""}。` +
        "実際のモデルは回答していません。UPSTREAM_API_KEY を設定すると GLM-4 と会話できます。"
      );
    default:
      return (
        `This is a simulated reply from ${model} (demo upstream). You wrote: “${quoted}”` +
        `${files.length ? ` and attached ${files.join(", ")}` : ""}. ` +
        "No real model answered: set UPSTREAM_API_KEY to talk to GLM-4."
      );
  }
}

export function demoReasoningText(lang: ReplyLanguage, characters: number): string {
  switch (lang) {
    case "zh":
      return `用户写了 ${characters} 个字符。我应该简洁明了地回答。`;
    case "ja":
      return `ユーザーは ${characters} 文字を書きました。簡潔にわかりやすく答えるべきです。`;
    default:
      return `The user wrote ${characters} characters. I should answer briefly and plainly.`;
  }
}

/**
 * The pieces a text streams in, as a model's tokens: English by word (each with its trailing space); Chinese
 * and Japanese, which have no spaces, two characters at a time, so that they too arrive piece by piece.
 */
export function streamPieces(text: string, lang: ReplyLanguage): string[] {
  if (lang === "en") return text.split(/(?<= )/);
  // Every character is in one of the three: a Latin word (with digits and its trailing space), spaces, or others.
  return text.match(/[\p{Script=Latin}\p{N}_.:-]+ ?|\s+|[^\s\p{Script=Latin}\p{N}]{1,2}/gu) ?? [text];
}
