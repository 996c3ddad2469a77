import "server-only";
import { estimateTokens } from "@/lib/tokens";
import { upstreamError } from "./errors";
import { newCompletionId } from "./ids";
import { splitThink, type WebSource, webSources } from "./reasoning";
import { mapUpstreamError } from "./upstream-errors";

/** Zhipu's reply shapes, and the translation of a whole (non-streaming) reply to OpenAI's form. Stream chunks: events.ts. */

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  /** Kept when upstream reports how many of the prompt tokens came from its cache (never made up: see README). */
  prompt_tokens_details?: { cached_tokens: number };
  /** Kept when upstream reports how many of the completion tokens were reasoning. */
  completion_tokens_details?: { reasoning_tokens: number };
}

export interface ToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

/** What a reply said, gathered for the usage ledger and the chat door. */
export interface ReplySummary {
  content: string;
  /** A thinking model's reasoning ("" when it did not think). */
  reasoning: string;
  /** Web-search sources, when the reply searched. */
  sources: WebSource[] | null;
  toolCalls: ToolCall[];
  finishReason: string | null;
  usage: Usage | null;
}

export interface UpstreamToolCall {
  id?: string;
  index?: number;
  type?: string;
  function?: { name?: string; arguments?: string | object };
}

interface UpstreamChoice {
  index?: number;
  message?: { content?: string | null; reasoning_content?: string | null; tool_calls?: UpstreamToolCall[] | null };
  delta?: {
    role?: string;
    content?: string | null;
    reasoning_content?: string | null;
    tool_calls?: UpstreamToolCall[] | null;
  };
  finish_reason?: string | null;
}

export interface UpstreamPayload {
  id?: string;
  created?: number;
  choices?: UpstreamChoice[];
  usage?: UpstreamUsage | null;
  /** Sources of the built-in web_search tool. */
  web_search?: unknown;
  error?: { code?: string | number; message?: string };
}

type UpstreamUsage = Partial<Omit<Usage, "completion_tokens_details" | "prompt_tokens_details">> & {
  prompt_tokens_details?: { cached_tokens?: number } | null;
  completion_tokens_details?: { reasoning_tokens?: number } | null;
};

/** A reply that has said nothing yet. */
export const emptySummary = (): ReplySummary => ({
  content: "",
  reasoning: "",
  sources: null,
  toolCalls: [],
  finishReason: null,
  usage: null,
});

export { newCompletionId } from "./ids";

/** `sensitive` is Zhipu's moderation stop; `network_error` is a failed inference, reported as an error. */
export function mapFinishReason(reason: string): string {
  if (reason === "sensitive") return "content_filter";
  if (reason === "network_error") throw upstreamError("The model failed while generating (network_error).");
  return reason;
}

export function normaliseUsage(u: UpstreamUsage | null | undefined): Usage | null {
  if (!u || typeof u.prompt_tokens !== "number") return null;
  const completion = u.completion_tokens ?? 0;
  const usage: Usage = {
    prompt_tokens: u.prompt_tokens,
    completion_tokens: completion,
    total_tokens: u.total_tokens ?? u.prompt_tokens + completion,
  };
  const cached = u.prompt_tokens_details?.cached_tokens;
  if (typeof cached === "number") usage.prompt_tokens_details = { cached_tokens: cached };
  const reasoning = u.completion_tokens_details?.reasoning_tokens;
  if (typeof reasoning === "number") usage.completion_tokens_details = { reasoning_tokens: reasoning };
  return usage;
}

export const toolArguments = (a: string | object | undefined) =>
  typeof a === "string" ? a : a ? JSON.stringify(a) : "";

/**
 * `promptTokens`: the prompt's estimate, used only when upstream reports no usage (OpenAI-compatible servers
 * other than Zhipu may leave it out); a streamed reply estimates it the same way.
 */
export function translateCompletion(up: UpstreamPayload, publicModel: string, promptTokens: () => number = () => 0) {
  if (up.error) throw mapUpstreamError(null, up.error);
  const choice = up.choices?.[0];
  if (!choice?.message || !choice.finish_reason) throw upstreamError("The upstream sent an unreadable reply.");
  const toolCalls: ToolCall[] = (choice.message.tool_calls ?? []).map((tc, i) => ({
    id: tc.id ?? `call_${i}`,
    type: "function",
    function: { name: tc.function?.name ?? "", arguments: toolArguments(tc.function?.arguments) },
  }));
  // A leading <think> block inside content is reasoning too, read like Zhipu's own field.
  const split = splitThink(choice.message.content ?? "");
  const content = split.content;
  const reasoning = (choice.message.reasoning_content ?? "") + split.reasoning;
  const sources = webSources(up.web_search);
  const summary: ReplySummary = {
    content,
    reasoning,
    sources,
    toolCalls,
    finishReason: mapFinishReason(choice.finish_reason),
    usage: normaliseUsage(up.usage),
  };
  const body = {
    id: newCompletionId(),
    object: "chat.completion" as const,
    created: up.created ?? Math.floor(Date.now() / 1000),
    model: publicModel,
    choices: [
      {
        index: 0,
        message: {
          role: "assistant" as const,
          content: toolCalls.length && !content ? null : content,
          ...(reasoning ? { reasoning_content: reasoning } : {}),
          ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
          refusal: null,
        },
        logprobs: null,
        finish_reason: summary.finishReason,
      },
    ],
    usage: summary.usage ?? estimateUsage(promptTokens(), reasoning + content),
    ...(sources ? { web_search: sources } : {}),
  };
  return { body, summary };
}

export function estimateUsage(promptTokens: number, text: string): Usage {
  const completion = estimateTokens(text);
  return { prompt_tokens: promptTokens, completion_tokens: completion, total_tokens: promptTokens + completion };
}
