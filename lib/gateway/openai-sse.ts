import "server-only";
import type { AppError } from "@/lib/errors";
import { openAiError } from "./errors";
import type { CompletionEvent, ToolCallPiece } from "./events";
import { CORS_HEADERS } from "./v1-paths";

/** `/v1`'s wire form of the completion events: OpenAI `chat.completion.chunk` frames, one id per stream. */

export const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  connection: "keep-alive",
  "x-accel-buffering": "no",
};

/** A `/v1` stream's headers: the SSE ones and CORS's (one object, so the node door merges it once). */
export const V1_SSE_HEADERS = { ...SSE_HEADERS, ...CORS_HEADERS };

export const DONE_FRAME = "data: [DONE]\n\n";
export const PING_FRAME = ": ping\n\n";

/** Writes events as OpenAI chunk frames. Each frame's fixed head is built once per stream, not per chunk. */
export class OpenAiChunkWriter {
  private readonly head: string;
  private readonly tail: string;
  private roleSent = false;

  constructor(
    private readonly id: string,
    private readonly created: number,
    private readonly model: string,
    private readonly includeUsage: boolean,
  ) {
    this.head = `data: {"id":${JSON.stringify(id)},"object":"chat.completion.chunk","created":${created},"model":${JSON.stringify(model)},"choices":[{"index":0,"delta":`;
    this.tail = includeUsage ? "}]," + '"usage":null}\n\n' : "}]}\n\n";
  }

  private chunk(delta: string, finishReason: string | null): string {
    if (!this.roleSent) {
      this.roleSent = true;
      delta = delta === "{}" ? '{"role":"assistant"}' : `{"role":"assistant",${delta.slice(1)}`;
    }
    return `${this.head}${delta},"logprobs":null,"finish_reason":${finishReason === null ? "null" : JSON.stringify(finishReason)}${this.tail}`;
  }

  /** The frames of a batch of events, as one string (one write per upstream read). */
  write(events: CompletionEvent[]): string {
    let out = "";
    for (const e of events) {
      switch (e.type) {
        case "text":
          out += this.chunk(`{"content":${JSON.stringify(e.text)}}`, null);
          break;
        case "reasoning":
          // The de-facto field of reasoning-aware OpenAI clients (DeepSeek's, Zhipu's own), before any content.
          out += this.chunk(`{"reasoning_content":${JSON.stringify(e.text)}}`, null);
          break;
        case "sources": {
          // Zhipu's top-level `web_search`, on the chunk that first carries it (an empty delta otherwise).
          const frame = this.chunk("{}", null);
          out += `${frame.slice(0, -3)},"web_search":${JSON.stringify(e.sources)}}\n\n`;
          break;
        }
        case "tool-calls":
          out += this.chunk(`{"tool_calls":${JSON.stringify(e.calls.map(toolDelta))}}`, null);
          break;
        case "finish":
          out += this.chunk("{}", e.reason);
          break;
        case "done":
          if (this.includeUsage) {
            out += `data: ${JSON.stringify({
              id: this.id,
              object: "chat.completion.chunk",
              created: this.created,
              model: this.model,
              choices: [],
              usage: e.usage,
            })}\n\n`;
          }
          out += DONE_FRAME;
          break;
      }
    }
    return out;
  }
}

function toolDelta(e: ToolCallPiece) {
  return e.first
    ? { index: e.index, id: e.id, type: "function", function: { name: e.name, arguments: e.arguments } }
    : { index: e.index, function: { arguments: e.arguments } };
}

/** The in-stream error event that replaces a clean stop when anything fails after the first byte. */
export function errorFrame(err: AppError): string {
  return `data: ${JSON.stringify(openAiError(err))}\n\n`;
}
