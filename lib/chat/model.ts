import "server-only";
import type { LanguageModelV3CallOptions, LanguageModelV3Prompt } from "@ai-sdk/provider";
import { UnsupportedFunctionalityError } from "@ai-sdk/provider";
import { finishReason, pushParts, stoppedError, streamParts, usage } from "@/lib/chat/model-parts";
import type { TurnExtras } from "@/lib/chat/thinking";
import { type Caller, type CompletionHooks, startCompletion } from "@/lib/gateway/core";
import { Stop } from "@/lib/gateway/stop";
import { ClientAborted } from "@/lib/gateway/upstream";
import type { PushingModel } from "@/lib/chat/ui-chunks";

/**
 * The AI SDK language model of door 2, built on the gateway core's typed events: the chat shares `/v1`'s
 * validation, model map, upstream client and usage ledger, in-process, with no SSE text written and parsed
 * again in between (the core's events become the stream parts directly).
 */
export function glmChatModel(
  modelId: string,
  caller: Caller,
  hooks: CompletionHooks,
  /** Stops every call, as well as each call's `abortSignal` (the chat turn's: its reply's Stop). */
  stop?: Stop,
): PushingModel {
  const start = (options: LanguageModelV3CallOptions, stream: boolean) =>
    startCompletion(
      requestBody(modelId, options, stream),
      caller,
      stop && !options.abortSignal ? stop : stopOf(options.abortSignal, stop),
      hooks,
    ).catch((err) => {
      throw err instanceof ClientAborted ? stoppedError() : err;
    });
  return {
    specificationVersion: "v3",
    provider: "glm",
    modelId,
    supportedUrls: {},
    async doGenerate(options) {
      const c = await start(options, false);
      if (c.stream) throw new Error("expected a whole completion");
      const choice = c.body.choices[0];
      const message: { content: string | null; reasoning_content?: string } = choice.message;
      return {
        content: [
          ...(message.reasoning_content ? [{ type: "reasoning" as const, text: message.reasoning_content }] : []),
          ...(message.content ? [{ type: "text" as const, text: message.content }] : []),
        ],
        finishReason: finishReason(choice.finish_reason),
        usage: usage(c.body.usage),
        warnings: [],
      };
    },
    async doStream(options) {
      const c = await start(options, true);
      if (!c.stream) throw new Error("expected a stream");
      return { stream: streamParts(c) };
    },
    async streamTo(options, emit) {
      const c = await start(options, true);
      if (!c.stream) throw new Error("expected a stream");
      // Stop (the model's, or options.abortSignal) ends the upstream call, and `ended` rejects with an AbortError.
      return { ended: pushParts(c, emit) };
    },
  };
}

/** A call's Stop: its AbortSignal's, and also the model's own when it has one. */
function stopOf(signal: AbortSignal | undefined, stop: Stop | undefined): Stop {
  const s = Stop.following(signal, () => new ClientAborted());
  stop?.onStop((reason) => s.stop(reason));
  return s;
}

/**
 * The OpenAI-shaped request the core validates, as `/v1` would receive it. The turn's thinking switch and
 * web_search tool come as provider options (`glm`), not AI SDK tools: they are Zhipu's, run upstream.
 */
function requestBody(model: string, o: LanguageModelV3CallOptions, stream: boolean) {
  if (o.tools?.length) throw new UnsupportedFunctionalityError({ functionality: "tools in the chat door" });
  const extras = (o.providerOptions?.glm ?? {}) as TurnExtras;
  return {
    model,
    messages: toMessages(o.prompt),
    stream,
    ...(stream ? { stream_options: { include_usage: true } } : {}),
    ...(o.temperature !== undefined ? { temperature: o.temperature } : {}),
    ...(o.topP !== undefined ? { top_p: o.topP } : {}),
    ...(o.maxOutputTokens !== undefined ? { max_tokens: o.maxOutputTokens } : {}),
    ...(o.stopSequences?.length ? { stop: o.stopSequences } : {}),
    ...(extras.thinking ? { thinking: extras.thinking } : {}),
    ...(extras.tools?.length ? { tools: extras.tools } : {}),
  };
}

/** The chat sends text: system, user and assistant turns, their text parts joined. */
function toMessages(prompt: LanguageModelV3Prompt) {
  return prompt.map((m) => {
    if (m.role === "system") return { role: "system", content: m.content };
    if (m.role === "tool") throw new UnsupportedFunctionalityError({ functionality: "tool results in the chat door" });
    const text = m.content.map((p) => (p.type === "text" ? p.text : "")).join("");
    return { role: m.role, content: text };
  });
}
