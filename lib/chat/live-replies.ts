import type { UIMessageChunk } from "ai";

/**
 * A reply being written, independent of any browser: the server reads the model's stream to its end whoever
 * is watching, keeps every UI-stream frame so a tab that opens later (reload, another tab or device) replays
 * them and follows the rest live, and saves the text as it grows. Only `stop()` ends it early.
 *
 * On the single-process SQLite default the registry lives in this process's memory.
 */

/** The text is saved at most this often while it grows… */
export const SAVE_EVERY_MS = 250;
/** …or sooner once this much unsaved text has arrived. */
export const SAVE_EVERY_BYTES = 4096;
/** A finished reply stays replayable a little while, for a tab whose page was rendered just before the end. */
const KEEP_AFTER_END_MS = 30_000;

const encoder = new TextEncoder();
const frame = (chunk: UIMessageChunk) => `data: ${JSON.stringify(chunk)}\n\n`;

export class LiveReply {
  private readonly frames: string[] = [];
  private readonly waiting = new Set<() => void>();
  private readonly stopper = new AbortController();
  private unsaved = 0;
  private saveTimer: NodeJS.Timeout | undefined;
  done = false;
  /** The reply's text so far (a continued reply starts with what it had). */
  text: string;

  constructor(readonly replyId: string, readonly conversationId: string, readonly userId: string,
    private readonly save: (text: string) => void, readonly base = "") {
    this.text = base;
  }

  /** Aborts the generation: the only way a reply ends early. */
  get signal(): AbortSignal {
    return this.stopper.signal;
  }

  stop() {
    this.stopper.abort();
  }

  push(chunk: UIMessageChunk) {
    this.frames.push(frame(chunk));
    if (chunk.type === "start" && this.base) {
      // A continued reply: readers see the earlier text first, as one part, then the new text.
      this.frames.push(frame({ type: "text-start", id: "earlier" }), frame({ type: "text-delta", id: "earlier", delta: this.base }),
        frame({ type: "text-end", id: "earlier" }));
    }
    if (chunk.type === "text-delta" && chunk.delta) {
      this.text += chunk.delta;
      this.unsaved += chunk.delta.length;
      if (this.unsaved >= SAVE_EVERY_BYTES) this.flush();
      else this.saveTimer ??= setTimeout(() => this.flush(), SAVE_EVERY_MS);
    }
    this.wake();
  }

  /** Writes the unsaved text now (also called once more at the end, before the final status is saved). */
  flush() {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    if (!this.unsaved) return;
    this.unsaved = 0;
    try {
      this.save(this.text);
    } catch (err) {
      console.error("[chat] could not save a reply's progress", err);
    }
  }

  end() {
    if (this.done) return;
    this.flush();
    this.frames.push("data: [DONE]\n\n");
    this.done = true;
    this.wake();
  }

  /** Every frame so far, then the rest as it arrives; cancelling it only stops this reader. */
  subscribe(): ReadableStream<Uint8Array> {
    let next = 0;
    let wake: (() => void) | undefined;
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        while (next >= this.frames.length && !this.done) {
          await new Promise<void>((resolve) => {
            wake = resolve;
            this.waiting.add(resolve);
          });
        }
        if (next < this.frames.length) {
          const batch = this.frames.slice(next).join("");
          next = this.frames.length;
          controller.enqueue(encoder.encode(batch));
        } else {
          controller.close();
        }
      },
      cancel: () => {
        if (wake) this.waiting.delete(wake);
      },
    }, { highWaterMark: 0 });
  }

  private wake() {
    const all = [...this.waiting];
    this.waiting.clear();
    for (const resolve of all) resolve();
  }
}

const holder = globalThis as unknown as { __glmLiveReplies?: Map<string, LiveReply> };
/** One reply at a time per conversation, by conversation id. */
const live = (holder.__glmLiveReplies ??= new Map());

/** The conversation's reply that is streaming (or ended moments ago), if it is this user's. */
export function liveReplyOf(userId: string, conversationId: string): LiveReply | undefined {
  const reply = live.get(conversationId);
  return reply?.userId === userId ? reply : undefined;
}

export function isStreaming(conversationId: string): boolean {
  return live.get(conversationId)?.done === false;
}

/** Reads the reply's UI stream to its end on the server, whether or not anyone is watching. */
export function runLiveReply(reply: LiveReply, stream: ReadableStream<UIMessageChunk>, onEnd: () => void) {
  live.set(reply.conversationId, reply);
  void (async () => {
    const reader = stream.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        reply.push(value);
      }
    } catch (err) {
      console.error("[chat] a reply stream failed", err);
    } finally {
      reply.end();
      onEnd();
      setTimeout(() => {
        if (live.get(reply.conversationId) === reply) live.delete(reply.conversationId);
      }, KEEP_AFTER_END_MS).unref();
    }
  })();
}
