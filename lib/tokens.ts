/**
 * The app's one token estimator. GLM's tokenizer is not available offline, so counts the upstream does not
 * report are estimated here, and nowhere else: the usage ledger's fallback, the demo upstream's usage, and the
 * context-window check before a request goes upstream. Safe in the browser too (no Buffer).
 */

/** A typical count: about four characters per token (closer to one or two for Chinese and Japanese). */
export const estimateTokens = (text: string): number => estimateTokensOf(text.length);

/** The same from a length in characters (UTF-16 units), for text measured without joining it. */
export const estimateTokensOf = (chars: number): number => Math.ceil(chars / 4);

/**
 * The UTF-8 length of `text`, as TextEncoder would encode it (a lone surrogate as U+FFFD's 3 bytes), counted
 * without encoding it: every gateway request asks this of its messages, and encoding made a copy of them.
 */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) {
      bytes += 1;
      continue;
    }
    bytes += 2;
    // A surrogate pair is two UTF-16 units and four bytes: its second unit adds nothing more.
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
  }
  return bytes;
}

/**
 * A count the real one is sure to reach: no token spans more than six UTF-8 bytes. Used to refuse only what
 * surely cannot fit a model's context, never a request that might.
 */
export const tokensAtLeast = (text: string): number => tokensAtLeastOf(utf8Length(text));

/** The same from a length in UTF-8 bytes. */
export const tokensAtLeastOf = (bytes: number): number => Math.ceil(bytes / 6);

/**
 * What the composer counts against a model's context: the typical estimate, or the sure lower bound when
 * that is higher (Chinese and Japanese text, about two characters per token), so the browser warns
 * whenever the server would refuse (lib/gateway/request.ts refuses on the same floor of the messages' text).
 */
export const contextTokens = (text: string): number => Math.max(estimateTokens(text), tokensAtLeast(text));

/** The same from lengths alone (characters and UTF-8 bytes), for text the browser does not hold. */
export const contextTokensOf = (chars: number, bytes: number): number =>
  Math.max(Math.ceil(chars / 4), Math.ceil(bytes / 6));

/** Framing each message adds upstream (role, separators), roughly. */
export const PER_MESSAGE = 4;

/**
 * A turn's prompt before it is sent: the system prompt, every message's text and documents (their token
 * counts, known from upload), and the new message. An estimate, not GLM's tokenizer (not available offline).
 */
export function estimatePromptTokens(p: {
  system?: string;
  messages: readonly { text: string; fileTokens?: number }[];
}): number {
  let n = p.system ? contextTokens(p.system) + PER_MESSAGE : 0;
  for (const m of p.messages) n += contextTokens(m.text) + (m.fileTokens ?? 0) + PER_MESSAGE;
  return n;
}
