import "server-only";
import type { UIMessageChunk } from "ai";
import type { MessageSource } from "@/db/schema";
import { sourceOfPart } from "@/lib/chat/thinking";
import { Stop } from "@/lib/gateway/stop";
import { ClientAborted } from "@/lib/gateway/upstream";
import {
  FRAME_MS,
  followReply,
  type ReplyFollower,
  type ReplyLog,
  replyFrames,
  replyStream,
} from "@/lib/chat/reply-readers";
import { earlierChunks } from "@/lib/chat/ui-frames";

/**
 * A reply being written, independent of any browser: the server reads the model's stream to its end whoever
 * is watching, keeps every UI-stream frame so a tab that opens later (reload, another tab or device) replays
 * them and follows the rest live, and saves the text as it grows. Only `stop()` ends it early.
 *
 * On the single-process SQLite default the registry lives in this process's memory. On PostgreSQL the same
 * registry serves readers on this instance, and lib/chat/shared-replies.ts adds what other instances need
 * (a claim in the database, the frames published, Stop by notification) through a `ReplyTap`. lib/chat code
 * goes through lib/chat/replies.ts, which picks the engine's way once.
 */

/** The text is saved at most this often while it grows… */
export const SAVE_EVERY_MS = 250;
/** …or sooner once this much unsaved text has arrived. */
export const SAVE_EVERY_BYTES = 4096;

/** Sees every chunk a reply adds, and its end: how the shared (PostgreSQL) registry publishes a reply. */
export interface ReplyTap {
  chunks(added: UIMessageChunk[]): void;
  /** Resolves once other instances can see the reply has ended (its shared claim marked). */
  end(): void | Promise<void>;
}

/** The longest the end of a reply waits for its shared claim to be marked ended before telling its readers. */
const END_WAIT_MS = 2000;

/** What a reply says besides its text, saved with it as it grows: null is "nothing (yet)". */
export interface ReplyExtras {
  reasoning: string | null;
  reasoningMs: number | null;
  sources: MessageSource[] | null;
}

export class LiveReply {
  private readonly chunks: UIMessageChunk[] = [];
  private readonly waiting = new Set<() => void>();
  /** Ends the generation (a Stop rather than an AbortController: no EventTarget made per reply). */
  readonly stopper = new Stop();
  private unsaved = 0;
  private saveTimer: NodeJS.Timeout | undefined;
  done = false;
  /** end() has begun (it waits for the shared claim before `done`). */
  private ending = false;
  /** The reply's text so far (a continued reply starts with what it had). */
  text: string;

  /** Its reasoning, thinking time and web sources so far (saved with the text). */
  readonly extras: ReplyExtras = { reasoning: null, reasoningMs: null, sources: null };
  /** When its reasoning began, while it is still thinking: the thinking time of a reply stopped then. */
  private thinkingSince: number | undefined;

  /** The text a continued reply already had: replayed first, and the start of what is saved. */
  base = "";
  /** Set by the shared registry on PostgreSQL; none on SQLite. */
  tap: ReplyTap | undefined;

  /**
   * Settles once the turn's messages are in the database (or the turn gave up): the slot is claimed before
   * they are written, and a page rendered in between would show the reply without its question.
   */
  readonly saved: Promise<void>;
  /** The turn's messages are written (or never will be). */
  markSaved: () => void = () => {};

  constructor(
    readonly replyId: string,
    readonly conversationId: string,
    readonly userId: string,
    private readonly save: (text: string, extras: ReplyExtras) => Promise<void>,
  ) {
    this.text = "";
    this.saved = new Promise((resolve) => {
      this.markSaved = resolve;
    });
  }

  /**
   * Continue: the reply starts from the text it had, and keeps the reasoning and sources it had (new ones add to
   * them). Called before anything streams.
   */
  continueFrom(base: string, earlier: Partial<ReplyExtras> = {}) {
    this.base = base;
    this.text = base;
    this.earlier = {
      reasoning: earlier.reasoning || null,
      reasoningMs: earlier.reasoningMs ?? null,
      sources: earlier.sources?.length ? [...earlier.sources] : null,
    };
    Object.assign(this.extras, this.earlier, { sources: this.earlier.sources && [...this.earlier.sources] });
  }

  /** A continued reply's reasoning and sources from before, replayed first. */
  private earlier: ReplyExtras | undefined;

  /** Stop was pressed: the only way a reply ends early. */
  get stopped(): boolean {
    return this.stopper.stopped;
  }

  stop() {
    // Stopped while it thinks: its thinking time so far, as the answer's start would have given it (ui-chunks.ts);
    // else the saved fold reads "Thought" with no time.
    if (this.thinkingSince !== undefined && this.extras.reasoningMs === null && !this.done)
      this.push({ type: "message-metadata", messageMetadata: { reasoningMs: Date.now() - this.thinkingSince } });
    this.stopper.stop(new ClientAborted());
  }

  push(chunk: UIMessageChunk) {
    const from = this.chunks.length;
    this.chunks.push(chunk);
    // A continued reply: readers see the earlier reasoning and text first, each as one part, then the new.
    if (chunk.type === "start" && this.earlier) this.chunks.push(...earlierChunks(this.earlier, this.base));
    if (chunk.type === "text-delta" && chunk.delta) {
      this.text += chunk.delta;
      this.grew(chunk.delta.length);
    } else if (chunk.type === "reasoning-delta" && chunk.delta) {
      if (this.extras.reasoningMs === null) this.thinkingSince ??= Date.now();
      this.extras.reasoning = (this.extras.reasoning ?? "") + chunk.delta;
      this.grew(chunk.delta.length);
    } else if (chunk.type === "source-url") {
      const sources = (this.extras.sources ??= []);
      if (!sources.some((x) => x.url === chunk.url)) sources.push(sourceOfPart(chunk));
      this.grew(0);
    } else if (chunk.type === "message-metadata") {
      const ms = (chunk.messageMetadata as { reasoningMs?: unknown } | undefined)?.reasoningMs;
      if (typeof ms === "number") {
        this.extras.reasoningMs = ms;
        this.thinkingSince = undefined;
      }
    }
    this.tap?.chunks(this.chunks.slice(from));
    this.wake();
  }

  /** Something worth saving arrived: saved soon, in one batch with whatever follows. */
  private grew(bytes: number) {
    this.unsaved += Math.max(bytes, 1);
    if (this.unsaved >= SAVE_EVERY_BYTES) this.flush();
    else this.saveTimer ??= setTimeout(() => this.flush(), SAVE_EVERY_MS);
  }

  /** Writes the unsaved text now (also called once more at the end, before the final status is saved). */
  flush() {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    if (!this.unsaved) return;
    this.unsaved = 0;
    this.save(this.text, this.extras).catch((err) => console.error("[chat] could not save a reply's progress", err));
  }

  /**
   * Ends the reply. Its readers hear of it only once the shared claim is marked ended (or END_WAIT_MS has
   * passed), so whoever saw the end can send the next message, or Stop, through any instance and find the
   * conversation free: told first, a browser's next turn could reach another instance that still saw a reply.
   */
  async end() {
    if (this.done || this.ending) return;
    this.ending = true;
    this.flush();
    const marked = this.tap?.end();
    if (marked) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([marked, new Promise<void>((r) => (timer = setTimeout(r, END_WAIT_MS)))]);
      clearTimeout(timer);
    }
    this.done = true;
    this.wake();
  }

  /**
   * Every frame so far, then the rest as it arrives, as byte batches (one per wake-up: what arrived since the last
   * one, compacted). Ending the iteration early only stops this reader.
   */
  frames(): AsyncGenerator<Uint8Array> {
    return replyFrames(this.log);
  }

  /** The frames handed to `write` as they come, for a reader on node:http (see `followReply`). */
  follow(write: (text: string, done: boolean) => boolean, everyMs = FRAME_MS): ReplyFollower {
    return followReply(this.log, write, everyMs);
  }

  /** The same as a web stream (route handlers' Response). */
  subscribe(): ReadableStream<Uint8Array> {
    return replyStream(this.log);
  }

  /** What the readers (lib/chat/reply-readers.ts) see of this reply. */
  private readonly log: ReplyLog = {
    chunks: this.chunks,
    isDone: () => this.done,
    onChange: (wake) => void this.waiting.add(wake),
    offChange: (wake) => void this.waiting.delete(wake),
  };

  private wake() {
    const all = [...this.waiting];
    this.waiting.clear();
    for (const resolve of all) resolve();
  }
}
