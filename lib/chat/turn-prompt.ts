import "server-only";
import type { LanguageModelV3Prompt } from "@ai-sdk/provider";
import type { Message } from "@/db/schema";
import { withFiles } from "@/lib/attachments/blocks";

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

/** The gateway's own messages are written for people; anything else stays generic. */
export function readableError(err: unknown): string {
  const message = (err as { message?: string })?.message;
  const data = (err as { data?: { error?: { message?: string } } })?.data;
  return (
    data?.error?.message ??
    (typeof message === "string" && message.length < 300 ? message : "The reply failed. Please retry.")
  );
}
