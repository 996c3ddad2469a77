import { randomBytes } from "node:crypto";
import { estimateTokens } from "@/lib/tokens";
import type { AppError } from "@/lib/errors";
import { openAiError, upstreamError } from "./errors";
import { mapUpstreamError } from "./upstream-errors";

/** Translation of Zhipu replies and stream chunks (no `object`, usage in the last chunk) to OpenAI's form. */

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface ToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

/** What a reply said, gathered for the usage ledger and the chat door. */
export interface ReplySummary {
  content: string;
  toolCalls: ToolCall[];
  finishReason: string | null;
  usage: Usage | null;
}

interface UpstreamToolCall {
  id?: string;
  index?: number;
  type?: string;
  function?: { name?: string; arguments?: string | object };
}

interface UpstreamChoice {
  index?: number;
  message?: { content?: string | null; tool_calls?: UpstreamToolCall[] | null };
  delta?: { role?: string; content?: string | null; tool_calls?: UpstreamToolCall[] | null };
  finish_reason?: string | null;
}

export interface UpstreamPayload {
  id?: string;
  created?: number;
  choices?: UpstreamChoice[];
  usage?: Partial<Usage> | null;
  error?: { code?: string | number; message?: string };
}

export const newCompletionId = () => `chatcmpl-${randomBytes(12).toString("base64url")}`;

/** `sensitive` is Zhipu's moderation stop; `network_error` is a failed inference, reported as an error. */
function mapFinishReason(reason: string): string {
  if (reason === "sensitive") return "content_filter";
  if (reason === "network_error") throw upstreamError("The model failed while generating (network_error).");
  return reason;
}

function normaliseUsage(u: Partial<Usage> | null | undefined): Usage | null {
  if (!u || typeof u.prompt_tokens !== "number") return null;
  const completion = u.completion_tokens ?? 0;
  return {
    prompt_tokens: u.prompt_tokens,
    completion_tokens: completion,
    total_tokens: u.total_tokens ?? u.prompt_tokens + completion,
  };
}

const args = (a: string | object | undefined) => (typeof a === "string" ? a : a ? JSON.stringify(a) : "");

export function translateCompletion(up: UpstreamPayload, publicModel: string) {
  if (up.error) throw mapUpstreamError(null, up.error);
  const choice = up.choices?.[0];
  if (!choice?.message || !choice.finish_reason) throw upstreamError("The upstream sent an unreadable reply.");
  const toolCalls: ToolCall[] = (choice.message.tool_calls ?? []).map((tc, i) => ({
    id: tc.id ?? `call_${i}`,
    type: "function",
    function: { name: tc.function?.name ?? "", arguments: args(tc.function?.arguments) },
  }));
  const content = choice.message.content ?? "";
  const summary: ReplySummary = {
    content,
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
          ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
          refusal: null,
        },
        logprobs: null,
        finish_reason: summary.finishReason,
      },
    ],
    usage: summary.usage ?? estimateUsage(0, content),
  };
  return { body, summary };
}

export function estimateUsage(promptTokens: number, text: string): Usage {
  const completion = estimateTokens(text);
  return { prompt_tokens: promptTokens, completion_tokens: completion, total_tokens: promptTokens + completion };
}

const frame = (data: unknown) => `data: ${JSON.stringify(data)}\n\n`;

/** Turns upstream chunks into OpenAI chunk frames, one `id` for the whole stream. */
export class StreamTranslator {
  readonly id = newCompletionId();
  readonly created = Math.floor(Date.now() / 1000);
  readonly summary: ReplySummary = { content: "", toolCalls: [], finishReason: null, usage: null };
  /** True once a content or tool-call delta has gone out: the moment time-to-first-token measures. */
  producedOutput = false;
  private roleSent = false;
  private nextToolIndex = 0;
  private readonly toolIndexes = new Map<number, number>();

  constructor(
    private readonly publicModel: string,
    private readonly includeUsage: boolean,
  ) {}

  private chunk(delta: Record<string, unknown>, finishReason: string | null) {
    if (!this.roleSent) {
      delta = { role: "assistant", ...delta };
      this.roleSent = true;
    }
    return frame({
      id: this.id,
      object: "chat.completion.chunk",
      created: this.created,
      model: this.publicModel,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
      ...(this.includeUsage ? { usage: null } : {}),
    });
  }

  /** Frames for one upstream chunk; throws a AppError for an upstream error event. */
  push(up: UpstreamPayload): string {
    if (up.error) throw mapUpstreamError(null, up.error);
    if (up.usage) this.summary.usage = normaliseUsage(up.usage);
    let out = "";
    for (const choice of up.choices ?? []) {
      const delta = choice.delta ?? {};
      if (typeof delta.content === "string" && delta.content) {
        this.summary.content += delta.content;
        this.producedOutput = true;
        out += this.chunk({ content: delta.content }, null);
      }
      if (delta.tool_calls?.length) {
        out += this.chunk({ tool_calls: delta.tool_calls.map((tc) => this.toolDelta(tc)) }, null);
        this.producedOutput = true;
      }
      if (choice.finish_reason) {
        this.summary.finishReason = mapFinishReason(choice.finish_reason);
        out += this.chunk({}, this.summary.finishReason);
      }
    }
    return out;
  }

  private toolDelta(tc: UpstreamToolCall) {
    const upstreamIndex = tc.index ?? this.nextToolIndex;
    let index = this.toolIndexes.get(upstreamIndex);
    const isNew = index === undefined;
    if (index === undefined) {
      index = this.nextToolIndex++;
      this.toolIndexes.set(upstreamIndex, index);
      this.summary.toolCalls[index] = {
        id: tc.id ?? `call_${this.id}_${index}`,
        type: "function",
        function: { name: tc.function?.name ?? "", arguments: "" },
      };
    }
    const piece = args(tc.function?.arguments);
    this.summary.toolCalls[index].function.arguments += piece;
    if (!isNew) return { index, function: { arguments: piece } };
    const call = this.summary.toolCalls[index];
    return { index, id: call.id, type: "function", function: { name: call.function.name, arguments: piece } };
  }

  /** The closing frames. A stream that ended without a finish_reason was cut, and is an error. */
  end(promptTokensEstimate: number): string {
    if (!this.summary.finishReason) throw upstreamError("The upstream closed the stream before the reply finished.");
    this.summary.usage ??= estimateUsage(promptTokensEstimate, this.summary.content);
    const usageFrame = this.includeUsage
      ? frame({
          id: this.id,
          object: "chat.completion.chunk",
          created: this.created,
          model: this.publicModel,
          choices: [],
          usage: this.summary.usage,
        })
      : "";
    return usageFrame + "data: [DONE]\n\n";
  }
}

/** The in-stream error event that replaces a clean stop when anything fails after the first byte. */
export function errorFrame(err: AppError): string {
  return frame(openAiError(err));
}
