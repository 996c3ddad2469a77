import "server-only";
import type { UIMessageChunk } from "ai";
import { compact, encodeFrames } from "@/lib/chat/ui-frames";

/**
 * A live reply's frames on their way between the instances of one PostgreSQL database; lib/chat/shared-replies.ts
 * connects both ends to the database (db/queries/live-replies.ts) and to LISTEN/NOTIFY.
 * - The instance that runs the reply batches its chunks (FrameWriter, every BATCH_MS) into numbered rows, each
 *   written with a notice in the same statement, carrying the batch when it fits in a notification.
 * - A reader on another instance (remoteReader) replays the rows so far (compacted) and follows the notices
 *   to the end row. It reads the rows again on a gap in the numbering, on a batch too big for a notice, and
 *   after POLL_MS of silence, so a lost notification (the listening connection reconnecting) only delays it;
 *   that is also how it notices that the owner died, and it then ends instead of hanging.
 */

/** Frames are written (and notified) at most this often per reply. */
const BATCH_MS = 50;
/** A remote reader that hears nothing for this long reads the rows (and asks whether the owner lives) itself. */
const POLL_MS = 2_000;
/** PostgreSQL's limit on a NOTIFY payload is 8000 bytes; a bigger batch is read from its row. */
const NOTIFY_MAX_BYTES = 7_900;

export interface Batch {
  c: UIMessageChunk[];
  end?: true;
}
/** Told of batch `n` of a reply (with the batch, unless it was too big for the notice). */
export type Follower = (n: number, batch: Batch | undefined) => void;

export const logged = (what: string) => (err: unknown) =>
  console.error(`[chat] shared replies: could not ${what}`, err);

/** A notice is `messageId \n n [\n batch JSON]`: the reply's id, so only its readers parse the rest. */
export const noticeReplyId = (notice: string) => notice.slice(0, notice.indexOf("\n"));

export function readNotice(notice: string): { n: number; batch: Batch | undefined } {
  const a = notice.indexOf("\n");
  const b = notice.indexOf("\n", a + 1);
  return {
    n: Number(b < 0 ? notice.slice(a + 1) : notice.slice(a + 1, b)),
    batch: b < 0 ? undefined : (JSON.parse(notice.slice(b + 1)) as Batch),
  };
}

/** One batch as written: its row's text and its notice. */
export interface FrameRow {
  n: number;
  frames: string;
  notice: string;
}

/** The owner's side of one reply: its chunks in batches, written one at a time and in order. */
export class FrameWriter {
  private pending: UIMessageChunk[] = [];
  private n = 0;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly messageId: string,
    private readonly write: (row: FrameRow) => Promise<void>,
  ) {}

  add(chunks: UIMessageChunk[]) {
    for (const c of chunks) this.pending.push(c);
    this.timer ??= setTimeout(() => this.flush(false), BATCH_MS);
  }

  /** The last batch, marked as the end (also when nothing is pending). */
  end() {
    clearTimeout(this.timer);
    this.flush(true);
  }

  /** Runs `step` after every batch so far is written. */
  afterWrites(step: () => Promise<void>, what: string) {
    this.writing = this.writing.then(step).catch(logged(what));
  }

  private flush(end: boolean) {
    this.timer = undefined;
    const c = compact(this.pending);
    this.pending = [];
    if (!c.length && !end) return;
    const n = this.n++;
    const frames = JSON.stringify(end ? { c, end: true } : { c });
    const head = `${this.messageId}\n${n}`;
    // JSON.stringify escapes control characters, so the text holds no U+0000 for PostgreSQL to refuse.
    const notice = Buffer.byteLength(frames) + head.length < NOTIFY_MAX_BYTES ? `${head}\n${frames}` : head;
    this.afterWrites(() => this.write({ n, frames, notice }), "publish a reply's frames");
  }
}

/** Where a remote reader gets a reply's batches from. */
export interface FrameSource {
  /** Starts telling `follower` of the reply's notices; resolves to the function that stops it. */
  follow(follower: Follower): Promise<() => void>;
  /** The reply's rows from batch `from` on, in order. */
  rows(from: number): Promise<{ n: number; frames: string }[]>;
  /** True when the reply can no longer end by itself: its instance died, or its claim and frames are gone. */
  abandoned(): Promise<boolean>;
}

/** A reader of a reply another instance runs: the frames so far, then each batch as notified, to the end. */
export function remoteReader(source: FrameSource): ReadableStream<Uint8Array> {
  let next = 0;
  let pending: UIMessageChunk[] = [];
  let done = false;
  let lastNews = Date.now();
  let wake: (() => void) | undefined;
  let reading: Promise<void> | undefined;
  let poll: NodeJS.Timeout | undefined;
  let unfollow: (() => void) | undefined;
  const notified = new Map<number, Batch | undefined>();

  const apply = (n: number, batch: Batch) => {
    if (n !== next || done) return;
    next++;
    for (const c of batch.c) pending.push(c);
    if (batch.end) done = true;
    lastNews = Date.now();
  };
  const settle = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };

  /** Rows from `next` on, from the table; then whatever notifications arrived meanwhile. */
  const readTable = () =>
    (reading ??= (async () => {
      try {
        for (const r of await source.rows(next)) apply(r.n, JSON.parse(r.frames) as Batch);
        drainNotified();
      } finally {
        reading = undefined;
      }
    })());

  const drainNotified = () => {
    for (const n of [...notified.keys()].sort((a, b) => a - b)) {
      if (n < next) notified.delete(n);
      else if (n === next && notified.get(n)) {
        apply(n, notified.get(n)!);
        notified.delete(n);
      } else break;
    }
  };

  const follower: Follower = (n, batch) => {
    if (done) return;
    notified.set(n, batch);
    if (!reading) {
      drainNotified();
      // A gap, or a batch too big to be notified: read the table.
      if (notified.size) void readTable().catch(logged("read a reply's frames")).finally(settle);
    }
    settle();
  };

  const stopFollowing = () => {
    clearInterval(poll);
    unfollow?.();
  };

  return new ReadableStream<Uint8Array>(
    {
      start: async () => {
        unfollow = await source.follow(follower);
        await readTable();
        poll = setInterval(() => {
          if (done || Date.now() - lastNews < POLL_MS) return;
          void (async () => {
            await readTable();
            if (done || Date.now() - lastNews < POLL_MS) return;
            if (await source.abandoned()) {
              // The instance that ran it died (lib/chat/reply-sweeper.ts marks it interrupted), or the frames
              // are gone: end cleanly with what there is.
              await readTable();
              if (!done) {
                pending.push({ type: "message-metadata", messageMetadata: { status: "interrupted" } });
                done = true;
              }
            }
          })()
            .catch(logged("check on a reply"))
            .finally(settle);
        }, POLL_MS / 2);
        poll.unref();
      },
      pull: async (controller) => {
        while (!pending.length && !done)
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
        const batch = compact(pending);
        pending = [];
        controller.enqueue(encodeFrames(batch, done));
        if (done) {
          stopFollowing();
          controller.close();
        }
      },
      cancel: () => {
        done = true;
        stopFollowing();
        settle();
      },
    },
    { highWaterMark: 0 },
  );
}
