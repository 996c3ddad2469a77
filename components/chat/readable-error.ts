import type { useTranslations } from "next-intl";

type Translate = ReturnType<typeof useTranslations<"chat">>;
type TranslateError = ReturnType<typeof useTranslations<"errors">>;

/**
 * What went wrong, for people: the route's `{ "error": "…", "key": "…" }` body (a refused message) or a failed
 * reply's error part (the same, with `reply: true`) arrives as the Error's message; the key reads in the
 * reader's language. `reply` says the message was saved and its reply failed, whatever has rendered so far:
 * a failure right after the reply's start comes before the throttled render shows the reply.
 */
export function readableError(
  error: Error,
  t: Translate,
  te: TranslateError,
): { text: string; reply: boolean; unreachable?: boolean } {
  if (error instanceof TypeError || /failed to fetch|network/i.test(error.message)) {
    return { text: t("unreachable"), reply: false, unreachable: true };
  }
  try {
    const parsed = JSON.parse(error.message) as { error?: unknown; key?: unknown; reply?: unknown };
    const reply = parsed.reply === true;
    if (typeof parsed.key === "string" && te.has(parsed.key as never)) return { text: te(parsed.key as never), reply };
    if (typeof parsed.error === "string") return { text: parsed.error, reply };
  } catch {}
  return { text: error.message || t("replyFailed"), reply: false };
}
