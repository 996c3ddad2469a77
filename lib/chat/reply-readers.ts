import "server-only";
import type { UIMessageChunk } from "ai";
import { RENDER_EVERY_MS } from "@/lib/chat/stream-cadence";
import { compact, DONE, encodeFrames, encoder, framesText } from "@/lib/chat/ui-frames";

/**
 * The readers of a live reply (lib/chat/live-replies.ts): a tab that opens later replays its frames so far and
 * follows the rest, whether it reads through a route handler's web stream or on node:http.
 */

/** What a reader sees of a reply: its chunks so far, whether it has ended, and a call when either changes. */
export interface ReplyLog {
  /** Only ever appended to. */
  readonly chunks: readonly UIMessageChunk[];
  isDone(): boolean;
  /** `wake` is called once, at the next change (more chunks, or the end). */
  onChange(wake: () => void): void;
  /** Forgets a `wake` not yet called. */
  offChange(wake: () => void): void;
}

/**
 * A reader on node:http gets a reply's text at most this often (`followReply`): as often as the chat page shows
 * it (lib/chat/stream-cadence.ts). At 2 ms a token, a write per upstream read was most of a chat stream's writes,
 * each a system call and a wake-up of the reader; at 16 ms it was still three writes per page render.
 */
export const FRAME_MS = RENDER_EVERY_MS;

/** Every frame so far, then the rest as it arrives, as byte batches (one per wake-up, compacted). */
export async function* replyFrames(log: ReplyLog): AsyncGenerator<Uint8Array> {
  let next = 0;
  for (;;) {
    while (next >= log.chunks.length && !log.isDone()) {
      await new Promise<void>((resolve) => log.onChange(resolve));
    }
    if (next >= log.chunks.length) {
      yield encoder.encode(DONE);
      return;
    }
    const batch = compact(log.chunks.slice(next));
    next = log.chunks.length;
    const done = log.isDone();
    yield encodeFrames(batch, done);
    if (done) return;
  }
}

/** The same as a web stream (route handlers' Response). */
export function replyStream(log: ReplyLog): ReadableStream<Uint8Array> {
  const frames = replyFrames(log);
  return new ReadableStream<Uint8Array>(
    {
      pull: async (controller) => {
        const { done, value } = await frames.next();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      cancel: () => {
        void frames.return(undefined);
      },
    },
    { highWaterMark: 0 },
  );
}

export interface ReplyFollower {
  /** After `write` returned false (its socket was full): sends everything since, compacted. */
  resume(): void;
  stop(): void;
}

/**
 * The same frames handed to `write` as they come, for a reader on node:http (lib/chat/node-door.ts): what one
 * upstream read added goes in one call, a microtask after it (no promise per batch). Text and reasoning then go
 * out at most once per `everyMs` (a render of the page): the first delta at once, the next ones gathered until a
 * frame has passed since, the end at once. The first call (it carries the response's head) waits for the reply's
 * first delta, a frame at most: a model that answers within it costs one write, not two. `write` returns false
 * when its socket is full; `resume` then sends everything since, compacted. `done` marks the last call.
 */
export function followReply(
  log: ReplyLog,
  write: (text: string, done: boolean) => boolean,
  everyMs = FRAME_MS,
): ReplyFollower {
  let next = 0;
  let scheduled = false;
  let blocked = false;
  let stopped = false;
  /** Nothing written yet, and since when this reader has followed. */
  let first = true;
  const since = performance.now();
  /** When deltas were last written, and the timer that sends the next ones a frame after. */
  let deltasAt = Number.NEGATIVE_INFINITY;
  let timer: NodeJS.Timeout | undefined;
  const deliver = () => {
    scheduled = false;
    timer = undefined;
    if (stopped || blocked) return;
    const done = log.isDone();
    if (next >= log.chunks.length && !done) return log.onChange(wake);
    const delta = hasDelta(log.chunks, next);
    const due = delta ? deltasAt + everyMs : first ? since + everyMs : 0;
    const wait = done ? 0 : due - performance.now();
    if (wait > 0) {
      timer = setTimeout(deliver, wait);
      return log.onChange(wake);
    }
    const batch = compact(log.chunks.slice(next));
    next = log.chunks.length;
    first = false;
    if (done) {
      stopped = true;
      write(framesText(batch, true), true);
      return;
    }
    if (everyMs > 0 && delta) deltasAt = performance.now();
    if (write(framesText(batch, false), false)) log.onChange(wake);
    else blocked = true;
  };
  const wake = () => {
    if (stopped) return;
    if (timer) {
      // The timer sends what arrives meanwhile. The end goes at once, with whatever the timer held, and so
      // does the first delta that the reply's first frames were waiting for.
      if (!log.isDone() && !(first && hasDelta(log.chunks, next))) return log.onChange(wake);
      clearTimeout(timer);
      timer = undefined;
    }
    if (scheduled) return;
    scheduled = true;
    queueMicrotask(deliver);
  };
  deliver();
  return {
    resume: () => {
      if (!blocked) return;
      blocked = false;
      wake();
    },
    stop: () => {
      stopped = true;
      clearTimeout(timer);
      log.offChange(wake);
    },
  };
}

/** Whether the chunks from `from` on hold text or reasoning (what a reader's frame gathers). */
function hasDelta(chunks: readonly UIMessageChunk[], from: number): boolean {
  for (let i = from; i < chunks.length; i++) {
    const type = chunks[i].type;
    if (type === "text-delta" || type === "reasoning-delta") return true;
  }
  return false;
}
