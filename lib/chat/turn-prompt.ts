import "server-only";
import type { LanguageModelV3Prompt } from "@ai-sdk/provider";
import type { Message } from "@/db/schema";
import { withFiles } from "@/lib/attachments/blocks";
import { AppError, type ErrorCode } from "@/lib/errors";
import { CHAT_RATE_LIMITED } from "@/lib/gateway/rate-limit";
import { UPSTREAM_UNREACHABLE } from "@/lib/gateway/upstream";

/** What a chat turn sends the model (lib/chat/turn.ts), and how its failures read. */

/** Asked of the model for Continue, after the partial reply. */
const CONTINUE_PROMPT =
  "Continue your previous reply exactly where it stopped. Do not repeat anything already written.";

/**
 * The language model's prompt: replies that failed or were cut off with nothing said are left out. A user
 * message's documents go before its text, one block per file, in every later turn too.
 */
export function toPrompt(
  system: string | undefined,
  history: Message[],
  files: Map<string, { name: string; text: string }[]>,
  o: { continuing?: boolean } = {},
): LanguageModelV3Prompt {
  const prompt: LanguageModelV3Prompt = system ? [{ role: "system", content: system }] : [];
  for (const m of history) {
    const text = m.role === "user" ? withFiles(m.content, files.get(m.id) ?? []) : m.content;
    if (!text.trim()) continue;
    prompt.push({ role: m.role === "user" ? "user" : "assistant", content: [{ type: "text", text }] });
  }
  if (o.continuing) prompt.push({ role: "user", content: [{ type: "text", text: CONTINUE_PROMPT }] });
  return prompt;
}

/** The reply failed, with nothing more to say: also the catalogue's "replyFailedRetry". */
export const REPLY_FAILED = "The reply failed. Please retry.";
/** The model's stream ended without saying how (no finish, no error): the catalogue's "replyEndedUnexpectedly". */
export const REPLY_ENDED = "The reply ended unexpectedly. Please retry.";

/**
 * What a failed reply says, by kind. Each sentence is in the catalogue's "errors" (en, zh-CN, ja), so the page
 * shows it in the reader's language, live and after a reload (lib/i18n/errors.ts). An upstream's own words are
 * not shown: Zhipu writes its errors in Chinese ("当前API请求过多…" for a rate limit), whatever the reader's
 * language. `/v1` keeps them (its messages are for developers).
 */
const REPLY_UNREACHABLE =
  "The server could not reach the model service. Please retry; if this goes on, ask the operator to check UPSTREAM_BASE_URL.";

const REPLY_ERRORS: Partial<Record<ErrorCode, string>> = {
  rate_limit_exceeded: "The model service is busy (rate limit). Please retry in a moment.",
  insufficient_quota: "The model service's account is out of credit. Ask the operator to top it up.",
  context_length_exceeded:
    "This conversation is longer than the model's context window. Shorten it, or switch to a model with a longer one.",
  content_filter: "The model service's safety filter blocked this reply.",
  model_not_found: "The model service does not offer this model. Switch to another one.",
  upstream_auth_error:
    "The server's key for the model service (UPSTREAM_API_KEY) was rejected. Ask the operator to check it.",
  upstream_timeout: "The model service did not answer in time. Please retry.",
  upstream_error: "The model service failed. Please retry.",
  internal_error: REPLY_FAILED,
};
/**
 * The model service refused the request in its own words, which may quote what it was sent (headers included:
 * a security review's upstream echoed the server's key) and would be saved with the reply. Logged instead.
 */
const REPLY_REFUSED =
  "The model service refused this request. Please retry; if this goes on, ask the operator to check the server's log.";

/** A reply the model service's safety filter cut off (Zhipu's finish reason `sensitive`). */
export const blockedReply = () => new AppError("content_filter", REPLY_ERRORS.content_filter ?? "");

/** A failed reply's sentence for people: by its kind for the gateway's errors; a short message as it is. */
export function readableError(err: unknown): string {
  // Not reachable at all is not "failed": it will not go away by itself, and the operator can tell which it is.
  if (err instanceof AppError && err.code === "upstream_error" && err.message === UPSTREAM_UNREACHABLE)
    return REPLY_UNREACHABLE;
  // This server's own limit, not the model service's: said as it is.
  if (err instanceof AppError && err.message === CHAT_RATE_LIMITED) return CHAT_RATE_LIMITED;
  if (err instanceof AppError) {
    const sentence = REPLY_ERRORS[err.code];
    if (sentence || !err.fromUpstream) return sentence ?? err.message;
    console.error(`[chat] the model service refused a reply (${err.code}): ${err.message}`);
    return REPLY_REFUSED;
  }
  const message = (err as { message?: string })?.message;
  const data = (err as { data?: { error?: { message?: string } } })?.data;
  return data?.error?.message ?? (typeof message === "string" && message.length < 300 ? message : REPLY_FAILED);
}
