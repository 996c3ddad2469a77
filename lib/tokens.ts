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
