import "server-only";

/**
 * What the search box typed, made safe for every index: control characters (a NUL ends FTS5's quoted
 * string early: "unterminated string") become spaces, lone surrogates become U+FFFD, runs of whitespace
 * collapse. FTS5 operators need nothing here: searchConversations quotes the whole query as one phrase.
 */
export function normalizeSearchQuery(raw: string): string {
  return raw.toWellFormed().replace(CONTROL, " ").replace(/\s+/g, " ").trim();
}

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** LIKE pattern for "contains q", with LIKE's own metacharacters (and the escape character) escaped. */
export const containsPattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
