import "server-only";
import type { LanguageModelV3, LanguageModelV3CallOptions, LanguageModelV3StreamPart } from "@ai-sdk/provider";
import type { UIMessageChunk } from "ai";
import { ReasoningTimer } from "@/lib/chat/thinking";
import type { ChatMessageMetadata } from "@/lib/chat/types";

/**
 * A reply as the AI SDK's UI message stream (what `useChat` reads), straight from the language model's
 * stream parts: the same chunks `streamText(…).toUIMessageStream()` writes for a text reply, without
 * streamText's machinery per stream (its tee'd streams, step bookkeeping and promises cost ~100 KB and most
 * of the chat door's CPU per turn, measured; bench/doors). One reply is one step: the chat sends no tools.
 * A thinking reply's reasoning comes first, then its thinking time as message metadata (`reasoningMs`, from
 * the first reasoning token to the first answer token); web-search sources as `source-url` chunks.
 *
 * Ends normally with `finish`; a failure before or during the reply yields an `error` chunk with the
 * text `readable` gives it; Stop (an abort of `call.abortSignal`) throws, for the caller to end the reply as
 * stopped.
 */
export async function* uiChunks(
  model: LanguageModelV3,
  call: LanguageModelV3CallOptions,
  o: { messageId: string; modelName: string; readable: (err: unknown) => string },
): AsyncGenerator<UIMessageChunk> {
  const start: ChatMessageMetadata = { model: o.modelName, status: "streaming" };
  yield { type: "start", messageId: o.messageId, messageMetadata: start };
  yield { type: "start-step" };
  const failed = (err: unknown): UIMessageChunk[] => {
    const error = o.readable(err);
    const end: ChatMessageMetadata = { status: "error", error };
    return [
      { type: "error", errorText: error },
      { type: "message-metadata", messageMetadata: end },
    ];
  };
  let stream: ReadableStream<LanguageModelV3StreamPart>;
  try {
    ({ stream } = await model.doStream(call));
  } catch (err) {
    if (call.abortSignal?.aborted) throw err;
    yield* failed(err);
    return;
  }
  const timer = new ReasoningTimer();
  const thought = (): UIMessageChunk[] => {
    const reasoningMs = timer.stop();
    return reasoningMs === undefined ? [] : [{ type: "message-metadata", messageMetadata: { reasoningMs } }];
  };
  // Node's web streams are async-iterable; the DOM typings do not say so.
  for await (const part of stream as unknown as AsyncIterable<LanguageModelV3StreamPart>) {
    switch (part.type) {
      case "reasoning-start":
        yield { type: "reasoning-start", id: part.id };
        break;
      case "reasoning-delta":
        timer.reasoning();
        yield { type: "reasoning-delta", id: part.id, delta: part.delta };
        break;
      case "reasoning-end":
        yield { type: "reasoning-end", id: part.id };
        yield* thought();
        break;
      case "source":
        if (part.sourceType === "url")
          yield {
            type: "source-url",
            sourceId: part.id,
            url: part.url,
            title: part.title,
            providerMetadata: part.providerMetadata,
          };
        break;
      case "text-start":
        yield* thought();
        yield { type: "text-start", id: part.id };
        break;
      case "text-delta":
        yield { type: "text-delta", id: part.id, delta: part.delta };
        break;
      case "text-end":
        yield { type: "text-end", id: part.id };
        break;
      case "error":
        yield* failed(part.error);
        break;
      case "finish": {
        yield* thought();
        yield { type: "finish-step" };
        if (part.finishReason.unified === "error") return;
        const end: ChatMessageMetadata = { status: "complete" };
        yield { type: "finish", finishReason: part.finishReason.unified, messageMetadata: end };
        return;
      }
      // stream-start, response-metadata, tool parts (the chat sends no tools): nothing for the reader.
    }
  }
}
