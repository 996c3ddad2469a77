import "server-only";
import { atExit } from "@/db/engines/sqlite-exit";
import type { AppError } from "@/lib/errors";
import { asAppError } from "./errors";
import { type CompletionEvent, EventTranslator } from "./events";
import type { RateLimitState } from "./rate-limit";
import type { ValidRequest } from "./request";
import type { ReplySummary } from "./translate";
import { ClientAborted, type UpstreamCall } from "./upstream";
import { pumpUpstreamEvents } from "./upstream-pump";

/**
 * A streaming completion as its readers see it (the core, core.ts, returns one once upstream sent its first
 * event): typed event batches, either pulled or pushed, with the ledger kept and settled exactly once.
 */

/** The status a request is accounted with when its client (or the chat's Stop) ended it. */
export const STATUS_CLIENT_CLOSED = 499;
/** How often a streaming request's ledger row learns the tokens counted so far. */
const PROGRESS_EVERY_MS = 1000;

/** A running stream's way to tell the ledger its tokens so far, and its place in `running`. */
interface Running {
  saveProgress: () => void;
  at: number;
}

/**
 * The streams of this process still running. A server stopped at once (a second Ctrl-C) queues each one's
 * progress as it exits, before the ledger's last batch is written: the periodic progress (PROGRESS_EVERY_MS)
 * would lose up to a second of tokens, or all of a short stream's. On PostgreSQL the write is a round trip an
 * exiting process cannot wait for, and the last progress stands.
 *
 * An array with swap-removal, not a Set: with a Set of per-stream entries V8 moved each stream's garbage into the
 * old generation (`npm run bench:gc`, 6,000 /v1 streams at 16: 11.0 KB promoted per stream against 0.2, seven
 * mark-compacts against two, 258 against 91 ms of pauses; ~10 % of /v1's CPU).
 */
const running: Running[] = [];
atExit("queue", () => {
  for (const r of running) r.saveProgress();
});

function stopRunning(r: Running) {
  if (r.at < 0) return;
  const last = running.pop() as Running;
  if (last !== r) {
    running[r.at] = last;
    last.at = r.at;
  }
  r.at = -1;
}

/** A streaming reply: typed events, pulled batch by batch; the ledger and hooks settle as it ends. */
export interface CompletionStream {
  stream: true;
  /** The OpenAI completion id and creation time, one per stream. */
  id: string;
  created: number;
  /** The public model name (as /v1/models lists it). */
  model: string;
  includeUsage: boolean;
  /** Where the caller stands against its rate limit, when one is set (the doors send it as headers). */
  rateLimit?: RateLimitState;
  /** The next batch of events (one upstream read); null after the `done` event. Throws AppError or ClientAborted. */
  next(): Promise<CompletionEvent[] | null>;
  /**
   * Instead of `next()`: each batch goes to `sink` as its upstream read arrives (queued ones at once). The
   * batch ending in `done` is the last; after `fail` nothing follows.
   */
  attach(sink: EventSink): void;
  /** After the sink returned false: read on. */
  resume(): void;
  /** The reader went away: the upstream call ends and the request is accounted as stopped (499). */
  cancel(): void;
}

/** A reader that takes batches as they come (see `CompletionStream.attach`). */
export interface EventSink {
  /** One upstream read's events; false asks for a pause until `resume()`. */
  events(batch: CompletionEvent[]): boolean;
  /** The stream broke after its first batch: an AppError, or ClientAborted. */
  fail(err: Error): void;
}

export type Settle = (status: number, summary: ReplySummary, ttftMs: number | null, error?: AppError) => void;

/**
 * Reads the upstream stream as event batches, keeping the ledger's progress and settling exactly once. The
 * upstream pushes (upstream-pump.ts); a reader either pulls batches with `next()` (the chat door, the route
 * handlers) or attaches a sink that gets each batch as its read arrives (/v1 on node:http), with no promise
 * per chunk. Pulled batches wait in a queue while the upstream read pauses: one read ahead, as before.
 */
export async function streamCompletion(
  req: ValidRequest,
  call: UpstreamCall,
  started: number,
  /** The prompt's estimated tokens (for usage the upstream does not report). */
  prompt: () => number,
  progress: (summary: ReplySummary) => void,
  settle: Settle,
  fail: (err: unknown, summary?: ReplySummary | null) => never,
): Promise<CompletionStream> {
  const translator = new EventTranslator();
  let ttft: number | null = null;
  let progressAt = performance.now();
  let settled = false;
  /** Until the first batch is in, a failure is `fail`'s (a real HTTP status), not an in-stream one. */
  let opening = true;
  const entry: Running = { saveProgress: () => progress(translator.summary), at: -1 };
  const settleOnce: Settle = (...args) => {
    if (settled) return;
    settled = true;
    stopRunning(entry);
    settle(...args);
  };
  /** Accounts a failure after the first batch; what the reader is told (ClientAborted, or an AppError). */
  const settleFailure = (err: Error): Error => {
    if (err instanceof ClientAborted) {
      settleOnce(STATUS_CLIENT_CLOSED, translator.summary, ttft);
      return err;
    }
    const app = asAppError(err);
    settleOnce(app.status, translator.summary, ttft, app);
    return app;
  };
  const queue: CompletionEvent[][] = [];
  let failure: Error | null = null;
  let over = false;
  let sink: EventSink | null = null;
  let waiter: { resolve: (b: CompletionEvent[] | null) => void; reject: (e: Error) => void } | null = null;

  const deliver = (batch: CompletionEvent[]) => {
    if (sink) {
      if (!sink.events(batch)) pump.pause();
    } else if (waiter) {
      const w = waiter;
      waiter = null;
      w.resolve(batch);
    } else {
      queue.push(batch);
      pump.pause();
    }
  };
  const pump = pumpUpstreamEvents(call, {
    payloads(batch) {
      const out: CompletionEvent[] = [];
      for (const event of batch) translator.push(event, out);
      if (ttft === null && translator.producedOutput) ttft = Date.now() - started;
      // The ledger learns the tokens so far now and then, not per chunk: a crash loses at most that much.
      // Intervals are read from performance.now(): Next wraps Date.now to look up two AsyncLocalStorage stores
      // on every call (it watches for clock reads while prerendering), which per chunk is not free.
      const now = performance.now();
      if (now - progressAt >= PROGRESS_EVERY_MS) {
        progressAt = now;
        progress(translator.summary);
      }
      if (out.length) deliver(out);
    },
    end() {
      over = true;
      const done = translator.end(prompt);
      settleOnce(200, translator.summary, ttft);
      deliver([done]);
    },
    fail(err) {
      over = true;
      const e = opening ? err : settleFailure(err);
      if (sink) sink.fail(e);
      else if (waiter) {
        const w = waiter;
        waiter = null;
        w.reject(e);
      } else failure = e;
    },
  });

  const next = (): Promise<CompletionEvent[] | null> => {
    const batch = queue.shift();
    if (batch) {
      if (!queue.length && !over) pump.resume();
      return Promise.resolve(batch);
    }
    if (failure) return Promise.reject(failure);
    if (over) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      waiter = { resolve, reject };
    });
  };

  let head: CompletionEvent[] | null;
  try {
    head = await next();
  } catch (err) {
    return fail(err, translator.summary);
  }
  opening = false;
  // A failure right behind the first batch (the same read) is an in-stream one: settled now, thrown after it.
  if (failure) failure = settleFailure(failure);
  if (!settled) entry.at = running.push(entry) - 1;

  return {
    stream: true,
    id: translator.id,
    created: translator.created,
    model: req.model.id,
    includeUsage: req.includeUsage,
    next() {
      if (head) {
        const first = head;
        head = null;
        return Promise.resolve(first);
      }
      return next();
    },
    attach(s) {
      sink = s;
      let open = true;
      if (head) open = s.events(head);
      head = null;
      for (const batch of queue.splice(0)) open = s.events(batch) && open;
      if (failure) return s.fail(failure);
      if (open && !over) pump.resume();
    },
    resume() {
      if (!over) pump.resume();
    },
    cancel() {
      if (over) return;
      over = true;
      pump.stop(new ClientAborted());
      settleOnce(STATUS_CLIENT_CLOSED, translator.summary, ttft);
    },
  };
}
