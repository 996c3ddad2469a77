/**
 * The app's one token estimator. GLM's tokenizer is not available offline, so counts the upstream does not
 * report are estimated here, and nowhere else: the usage ledger's fallback, the demo upstream's usage, and the
 * context-window check before a request goes upstream. Safe in the browser too (no Buffer).
 */

/** A typical count: about four characters per token (closer to one or two for Chinese and Japanese). */
export const estimateTokens = (text: string): number => Math.ceil(text.length / 4);

const utf8 = new TextEncoder();

/**
 * A count the real one is sure to reach: no token spans more than six UTF-8 bytes. Used to refuse only what
 * surely cannot fit a model's context, never a request that might.
 */
export const tokensAtLeast = (text: string): number => Math.ceil(utf8.encode(text).length / 6);

/**
 * What the composer counts against a model's context: the typical estimate, or the sure lower bound when
 * that is higher (Chinese and Japanese text, about two characters per token), so the browser warns
 * whenever the server would refuse (lib/gateway/request.ts refuses on `tokensAtLeast`).
 */
export const contextTokens = (text: string): number => Math.max(estimateTokens(text), tokensAtLeast(text));

/** The same from lengths alone (characters and UTF-8 bytes), for text the browser does not hold. */
export const contextTokensOf = (chars: number, bytes: number): number =>
  Math.max(Math.ceil(chars / 4), Math.ceil(bytes / 6));

/** Framing each message adds upstream (role, separators), roughly. */
const PER_MESSAGE = 4;

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
