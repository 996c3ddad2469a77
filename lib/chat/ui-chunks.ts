import "server-only";
import type { LanguageModelV3, LanguageModelV3CallOptions, LanguageModelV3StreamPart } from "@ai-sdk/provider";
import type { UIMessageChunk } from "ai";
import { ReasoningTimer } from "@/lib/chat/thinking";
import { blockedReply } from "@/lib/chat/turn-prompt";
import { problemBody } from "@/lib/i18n/errors";
import type { ChatMessageMetadata } from "@/lib/chat/types";

/**
 * A model that can also hand its stream parts to a callback as they are produced (lib/chat/model.ts): the
 * chat door then makes no promise per part (a web stream's reads, each paying Next's AsyncLocalStorage hooks).
 */
export interface PushingModel extends LanguageModelV3 {
  /**
   * Starts the stream (rejects as `doStream` does when it cannot), then calls `emit` with each part; the
   * returned `ended` settles after the last one (rejects with an AbortError when the call was aborted).
   */
  streamTo(
    call: LanguageModelV3CallOptions,
    emit: (part: LanguageModelV3StreamPart) => void,
  ): Promise<{ ended: Promise<void> }>;
}

const pushes = (model: LanguageModelV3): model is PushingModel =>
  typeof (model as Partial<PushingModel>).streamTo === "function";

/**
 * A reply as the AI SDK's UI message stream (what `useChat` reads), straight from the language model's
 * stream parts: the same chunks `streamText(…).toUIMessageStream()` writes for a text reply, without
 * streamText's machinery per stream (its tee'd streams, step bookkeeping and promises cost ~100 KB and most
 * of the chat door's CPU per turn, measured; bench/doors). One reply is one step: the chat sends no tools.
 * A thinking reply's reasoning comes first, then its thinking time as message metadata (`reasoningMs`, from
 * the first reasoning token to the first answer token); web-search sources as `source-url` chunks.
 *
 * Each chunk goes to `push` as it is made. Resolves at the end, normally after `finish`; a failure before or
 * during the reply pushes an `error` chunk with the text `readable` gives it; Stop (an abort of
 * `call.abortSignal`, or `o.stopped`) rejects, for the caller to end the reply as stopped.
 */
/**
 * A failed reply's error part: its sentence with the catalogue key (the page shows it in the reader's language),
 * and `reply: true`, which tells the page the message itself was saved and only its reply failed. A refusal of
 * the message comes as the response's error body instead, and the page puts the message back in the composer.
 */
export const replyErrorText = (message: string) => JSON.stringify({ ...problemBody(message), reply: true });

export async function pushUiChunks(
  model: LanguageModelV3,
  call: LanguageModelV3CallOptions,
  o: {
    messageId: string;
    modelName: string;
    readable: (err: unknown) => string;
    /** Stopped by other means than `call.abortSignal` (the model's own Stop: lib/chat/model.ts). */
    stopped?: () => boolean;
  },
  push: (chunk: UIMessageChunk) => void,
): Promise<void> {
  const start: ChatMessageMetadata = { model: o.modelName, status: "streaming" };
  push({ type: "start", messageId: o.messageId, messageMetadata: start });
  push({ type: "start-step" });
  const failed = (err: unknown) => {
    const error = o.readable(err);
    const end: ChatMessageMetadata = { status: "error", error };
    push({ type: "error", errorText: replyErrorText(error) });
    push({ type: "message-metadata", messageMetadata: end });
  };
  const timer = new ReasoningTimer();
  let over = false;
  const thought = () => {
    const reasoningMs = timer.stop();
    if (reasoningMs !== undefined) push({ type: "message-metadata", messageMetadata: { reasoningMs } });
  };
  const part = (p: LanguageModelV3StreamPart) => {
    if (over) return;
    switch (p.type) {
      case "reasoning-start":
        return push({ type: "reasoning-start", id: p.id });
      case "reasoning-delta":
        timer.reasoning();
        return push({ type: "reasoning-delta", id: p.id, delta: p.delta });
      case "reasoning-end":
        push({ type: "reasoning-end", id: p.id });
        return thought();
      case "source":
        if (p.sourceType === "url")
          push({
            type: "source-url",
            sourceId: p.id,
            url: p.url,
            title: p.title,
            providerMetadata: p.providerMetadata,
          });
        return;
      case "text-start":
        thought();
        return push({ type: "text-start", id: p.id });
      case "text-delta":
        return push({ type: "text-delta", id: p.id, delta: p.delta });
      case "text-end":
        return push({ type: "text-end", id: p.id });
      case "error":
        return failed(p.error);
      case "finish": {
        thought();
        push({ type: "finish-step" });
        over = true;
        if (p.finishReason.unified === "error") return;
        // Zhipu's moderation stop ends the text mid-sentence: said as a failure, or it reads as a finished reply.
        if (p.finishReason.unified === "content-filter") return failed(blockedReply());
        const end: ChatMessageMetadata = { status: "complete" };
        return push({ type: "finish", finishReason: p.finishReason.unified, messageMetadata: end });
      }
      // stream-start, response-metadata, tool parts (the chat sends no tools): nothing for the reader.
    }
  };

  let ended: Promise<void> | undefined;
  let stream: ReadableStream<LanguageModelV3StreamPart> | undefined;
  try {
    if (pushes(model)) ({ ended } = await model.streamTo(call, part));
    else ({ stream } = await model.doStream(call));
  } catch (err) {
    if (call.abortSignal?.aborted || o.stopped?.()) throw err;
    return failed(err);
  }
  if (ended) return ended;
  // Node's web streams are async-iterable; the DOM typings do not say so.
  for await (const p of stream as unknown as AsyncIterable<LanguageModelV3StreamPart>) {
    part(p);
    if (over) return;
  }
}
