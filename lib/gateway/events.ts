import "server-only";
import { upstreamError } from "./errors";
import { PlainText } from "./plain-text-chunks";
import { ThinkSplitter, type WebSource, webSources } from "./reasoning";
import { mapUpstreamError } from "./upstream-errors";
import {
  emptySummary,
  estimateUsage,
  mapFinishReason,
  newCompletionId,
  normaliseUsage,
  toolArguments,
  type ReplySummary,
  type UpstreamPayload,
  type UpstreamToolCall,
  type Usage,
} from "./translate";

/**
 * What a streaming completion says, as typed events: the one shape both doors read. `/v1` writes them as
 * OpenAI SSE (openai-sse.ts); the chat door hands them to the AI SDK as a language model's stream parts
 * (lib/chat/model.ts). Nothing is serialised in between.
 */
export type CompletionEvent =
  | { type: "text"; text: string }
  /** Thinking models' reasoning, before the answer (`reasoning_content`, or a leading `<think>` block). */
  | { type: "reasoning"; text: string }
  /** Zhipu's web-search results (the built-in `web_search` tool), once, when upstream first sends them. */
  | { type: "sources"; sources: WebSource[] }
  /** Pieces of tool calls, as one upstream chunk carried them. */
  | { type: "tool-calls"; calls: ToolCallPiece[] }
  /** The model stopped (OpenAI's finish_reason), as it arrives; the stream may still carry usage after it. */
  | { type: "finish"; reason: string }
  /** The last event: the usage (upstream's, else estimated). */
  | { type: "done"; usage: Usage };

/** A piece of tool call `index`; `first` is the piece that opens it, later ones only add argument text. */
export interface ToolCallPiece {
  index: number;
  id: string;
  name: string;
  arguments: string;
  first: boolean;
}

/** Turns Zhipu's stream chunks into events, and gathers what the reply said for the ledger and the chat. */
export class EventTranslator {
  readonly id = newCompletionId();
  readonly created = Math.floor(Date.now() / 1000);
  readonly summary: ReplySummary = emptySummary();
  /** True once text or a tool call has been produced: the moment time-to-first-token measures. */
  producedOutput = false;
  private nextToolIndex = 0;
  private readonly toolIndexes = new Map<number, number>();
  private readonly think = new ThinkSplitter();

  /** Appends the events of one upstream chunk to `out`; throws an AppError for an upstream error event. */
  push(up: UpstreamPayload | PlainText, out: CompletionEvent[]): void {
    // A chunk that only adds text, read from its bytes: what `delta.content` would have said below.
    if (up instanceof PlainText) {
      this.content(this.think.push(up.text), out);
      return;
    }
    if (up.error) throw mapUpstreamError(null, up.error);
    if (up.usage) this.summary.usage = normaliseUsage(up.usage);
    if (up.web_search && !this.summary.sources) {
      const sources = webSources(up.web_search);
      if (sources) {
        this.summary.sources = sources;
        out.push({ type: "sources", sources });
      }
    }
    const choices = up.choices;
    if (!choices) return;
    for (const choice of choices) {
      const delta = choice.delta;
      if (delta) {
        if (typeof delta.reasoning_content === "string" && delta.reasoning_content) {
          this.reasoning(delta.reasoning_content, out);
        }
        if (typeof delta.content === "string" && delta.content) this.content(this.think.push(delta.content), out);
        if (delta.tool_calls?.length) {
          out.push({ type: "tool-calls", calls: delta.tool_calls.map((tc) => this.toolCall(tc)) });
          this.producedOutput = true;
        }
      }
      if (choice.finish_reason) {
        this.content(this.think.flush(), out);
        this.summary.finishReason = mapFinishReason(choice.finish_reason);
        out.push({ type: "finish", reason: this.summary.finishReason });
      }
    }
  }

  private reasoning(text: string, out: CompletionEvent[]) {
    this.summary.reasoning += text;
    this.producedOutput = true;
    out.push({ type: "reasoning", text });
  }

  private content(piece: { reasoning: string; content: string }, out: CompletionEvent[]) {
    if (piece.reasoning) this.reasoning(piece.reasoning, out);
    if (piece.content) {
      this.summary.content += piece.content;
      this.producedOutput = true;
      out.push({ type: "text", text: piece.content });
    }
  }

  private toolCall(tc: UpstreamToolCall): ToolCallPiece {
    const upstreamIndex = tc.index ?? this.nextToolIndex;
    let index = this.toolIndexes.get(upstreamIndex);
    // Zhipu sends each call whole, and some servers number every one 0: a new id at an index in use is a new
    // call (at the next free index), not more arguments for the one before.
    if (index !== undefined && tc.id && tc.id !== this.summary.toolCalls[index].id && !this.madeUpId(index)) {
      index = undefined;
    }
    const first = index === undefined;
    if (index === undefined) {
      index = this.nextToolIndex++;
      this.toolIndexes.set(upstreamIndex, index);
      this.summary.toolCalls[index] = {
        id: tc.id ?? this.madeUpIdFor(index),
        type: "function",
        function: { name: tc.function?.name ?? "", arguments: "" },
      };
    }
    const piece = toolArguments(tc.function?.arguments);
    const call = this.summary.toolCalls[index];
    call.function.arguments += piece;
    return { index, id: call.id, name: call.function.name, arguments: piece, first };
  }

  /** The id of a call whose first piece came without one. */
  private madeUpIdFor(index: number) {
    return `call_${this.id}_${index}`;
  }

  private madeUpId(index: number) {
    return this.summary.toolCalls[index].id === this.madeUpIdFor(index);
  }

  /**
   * The last event; `promptTokensEstimate` is asked only when upstream reported no usage. A stream that ended
   * without a finish_reason was cut, and is an error.
   */
  end(promptTokensEstimate: () => number): CompletionEvent {
    if (!this.summary.finishReason) throw upstreamError("The upstream closed the stream before the reply finished.");
    this.summary.usage ??= estimateUsage(promptTokensEstimate(), this.summary.reasoning + this.summary.content);
    return { type: "done", usage: this.summary.usage };
  }
}
