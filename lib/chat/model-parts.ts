import "server-only";
import type { LanguageModelV3FinishReason, LanguageModelV3StreamPart, LanguageModelV3Usage } from "@ai-sdk/provider";
import { siteOf } from "@/lib/chat/thinking";
import type { CompletionStream } from "@/lib/gateway/completion-stream";
import type { CompletionEvent } from "@/lib/gateway/events";
import type { Usage } from "@/lib/gateway/translate";
import { ClientAborted } from "@/lib/gateway/upstream";

/**
 * The chat model's stream parts (lib/chat/model.ts), made from the gateway core's events: as a web stream for
 * the AI SDK's `doStream`, or pushed to a callback for the chat door's own reader (`streamTo`).
 */

const TEXT_ID = "text-0";
const REASONING_ID = "reasoning-0";

/**
 * The core's events as the language model's stream parts, through `emit`. One per stream: it remembers which
 * parts are open.
 */
function partMapper(emit: (part: LanguageModelV3StreamPart) => void) {
  let textOpen = false;
  let reason = "stop";
  const toolInputs = new Map<number, { id: string; name: string; input: string }>();
  let reasoningOpen = false;
  return (e: CompletionEvent) => {
    switch (e.type) {
      case "reasoning":
        if (!reasoningOpen) {
          reasoningOpen = true;
          emit({ type: "reasoning-start", id: REASONING_ID });
        }
        emit({ type: "reasoning-delta", id: REASONING_ID, delta: e.text });
        return;
      case "sources":
        for (const [i, source] of e.sources.entries()) {
          if (!source.link) continue;
          // The site's name and date ride along for the list under the reply (lib/chat/thinking.ts).
          const glm = {
            site: siteOf(source.link, source.media),
            ...(source.publish_date ? { publishedAt: source.publish_date } : {}),
          };
          emit({
            type: "source",
            sourceType: "url",
            id: `src_${i}`,
            url: source.link,
            title: source.title,
            providerMetadata: { glm },
          });
        }
        return;
      case "text":
        if (reasoningOpen) {
          reasoningOpen = false;
          emit({ type: "reasoning-end", id: REASONING_ID });
        }
        if (!textOpen) {
          textOpen = true;
          emit({ type: "text-start", id: TEXT_ID });
        }
        emit({ type: "text-delta", id: TEXT_ID, delta: e.text });
        return;
      case "tool-calls":
        for (const piece of e.calls) {
          if (piece.first) {
            toolInputs.set(piece.index, { id: piece.id, name: piece.name, input: "" });
            emit({ type: "tool-input-start", id: piece.id, toolName: piece.name });
          }
          const call = toolInputs.get(piece.index);
          if (call && piece.arguments) {
            call.input += piece.arguments;
            emit({ type: "tool-input-delta", id: call.id, delta: piece.arguments });
          }
        }
        return;
      case "finish":
        reason = e.reason;
        return;
      case "done":
        if (reasoningOpen) emit({ type: "reasoning-end", id: REASONING_ID });
        if (textOpen) emit({ type: "text-end", id: TEXT_ID });
        for (const call of toolInputs.values()) {
          emit({ type: "tool-input-end", id: call.id });
          emit({ type: "tool-call", toolCallId: call.id, toolName: call.name, input: call.input });
        }
        emit({ type: "finish", finishReason: finishReason(reason), usage: usage(e.usage) });
        return;
    }
  };
}

const opening = (c: CompletionStream): LanguageModelV3StreamPart[] => [
  { type: "stream-start", warnings: [] },
  { type: "response-metadata", id: c.id, modelId: c.model, timestamp: new Date(c.created * 1000) },
];

/** A failure after the first part: an error part with the gateway's message (written for people), then the end. */
function failedParts(err: unknown): LanguageModelV3StreamPart[] {
  return [
    { type: "error", error: err },
    { type: "finish", finishReason: { unified: "error", raw: undefined }, usage: usage(null) },
  ];
}

/** The core's event batches as a web stream of parts (`doStream`), one pull per upstream read. */
export function streamParts(c: CompletionStream): ReadableStream<LanguageModelV3StreamPart> {
  let enqueued = 0;
  let controller!: ReadableStreamDefaultController<LanguageModelV3StreamPart>;
  const map = partMapper((part) => {
    enqueued++;
    controller.enqueue(part);
  });
  return new ReadableStream<LanguageModelV3StreamPart>(
    {
      start(ctrl) {
        controller = ctrl;
        for (const part of opening(c)) ctrl.enqueue(part);
      },
      async pull(ctrl) {
        try {
          // A pull that enqueues nothing is not called again: read until a batch yields a part.
          for (;;) {
            const events = await c.next();
            const before = enqueued;
            if (events) for (const e of events) map(e);
            if (!events || events.at(-1)?.type === "done") return ctrl.close();
            if (enqueued > before) return;
          }
        } catch (err) {
          if (err instanceof ClientAborted) return ctrl.error(stoppedError());
          for (const part of failedParts(err)) ctrl.enqueue(part);
          ctrl.close();
        }
      },
      cancel() {
        c.cancel();
      },
    },
    { highWaterMark: 0 },
  );
}

/**
 * The same parts handed to `emit` as each upstream read arrives (the core's `attach`): no promise per read.
 * The chat reads a reply to its end whoever watches, so nothing here waits for a reader.
 */
export function pushParts(c: CompletionStream, emit: (part: LanguageModelV3StreamPart) => void): Promise<void> {
  const map = partMapper(emit);
  for (const part of opening(c)) emit(part);
  return new Promise((resolve, reject) =>
    c.attach({
      events(events) {
        for (const e of events) map(e);
        if (events.at(-1)?.type === "done") resolve();
        return true;
      },
      fail(err) {
        if (err instanceof ClientAborted) return reject(stoppedError());
        for (const part of failedParts(err)) emit(part);
        resolve();
      },
    }),
  );
}

export const stoppedError = () => new DOMException("The user stopped the reply.", "AbortError");

const UNIFIED: Record<string, LanguageModelV3FinishReason["unified"]> = {
  stop: "stop",
  length: "length",
  tool_calls: "tool-calls",
  content_filter: "content-filter",
};

export function finishReason(raw: string | null): LanguageModelV3FinishReason {
  return { unified: (raw && UNIFIED[raw]) || "other", raw: raw ?? undefined };
}

export function usage(u: Usage | null): LanguageModelV3Usage {
  return {
    inputTokens: { total: u?.prompt_tokens, noCache: undefined, cacheRead: undefined, cacheWrite: undefined },
    outputTokens: { total: u?.completion_tokens, text: undefined, reasoning: undefined },
  };
}
