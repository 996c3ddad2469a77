import "server-only";
import { config } from "@/lib/config";
import { upstreamError } from "./errors";
import { type PlainText, PlainTextShape } from "./plain-text-chunks";
import { SseFramer } from "./sse-framer";
import type { UpstreamPayload } from "./translate";
import { abortReason, ClientAborted, type UpstreamCall, watchdog } from "./upstream";
import { connectionProblem, logUpstreamFailure, shownUrl } from "./upstream-log";

/** Where the pump delivers; none of these is called after `end` or `fail`. */
export interface PayloadSink {
  /**
   * The events one network read completed, parsed (a plain text chunk as its text: ./plain-text-chunks.ts);
   * may throw (an upstream error event): the pump then fails.
   */
  payloads(batch: (UpstreamPayload | PlainText)[]): void;
  /** `[DONE]`, or the body's end; may throw (the reply had not finished): the pump then fails instead. */
  end(): void;
  /** The stream broke (AppError, or ClientAborted when the caller left). */
  fail(err: Error): void;
}

export interface Pump {
  /** Stops reading until `resume` (the reader is backed up). */
  pause(): void;
  resume(): void;
  /** The reader went away: the upstream call ends with `reason`, and nothing more is delivered. */
  stop(reason?: unknown): void;
}

/**
 * Upstream SSE events pushed to `sink` as each network read arrives: each chunk of the body goes through the
 * framer and JSON.parse straight to the sink, with no promise, async iterator or generator per chunk (each of
 * those paid Next's AsyncLocalStorage hooks, per chunk, per stream). Framed on the bytes, ends at `[DONE]` or the body's end; a silence longer than the first-byte timeout, a
 * cut connection or a data line that is not JSON fails it with an AppError, after what arrived intact before it.
 */
export function pumpUpstreamEvents(call: UpstreamCall, sink: PayloadSink): Pump {
  const body = call.response.body;
  const shape = new PlainTextShape();
  const framer = new SseFramer((buf, from, to) => shape.read(buf, from, to));
  const dog = watchdog(call, config().firstByteTimeoutMs);
  let over = false;

  const finish = () => {
    over = true;
    dog.stop();
  };
  const fail = (err: Error) => {
    if (over) return;
    finish();
    call.abort();
    sink.fail(err);
  };
  /** The end as the sink takes it: an end it refuses (a reply cut off before it finished) is its failure. */
  const ended = () => {
    try {
      sink.end();
    } catch (err) {
      // Its connection closed (or [DONE] came) before the reply finished: a cut an operator should hear of.
      logUpstreamFailure("ended early", `a reply from ${shownUrl(config().upstreamBaseUrl)} ended before it finished`);
      sink.fail(err as Error);
    }
  };

  // What one read's events said, parsed as the framer completes each: a plain text chunk's shape is learnt
  // from the chunk before it, even within one read. Nothing after [DONE] or an unreadable event counts.
  let batch: (UpstreamPayload | PlainText)[] = [];
  let done = false;
  let unreadable = false;
  const events = {
    push(data: string | PlainText) {
      if (done || unreadable) return;
      if (typeof data !== "string") return void batch.push(data);
      if (data === "[DONE]") return void (done = true);
      try {
        const payload = JSON.parse(data) as UpstreamPayload;
        shape.learn(data, payload);
        batch.push(payload);
      } catch {
        unreadable = true;
      }
    },
  };

  body.read({
    data(chunk) {
      if (over) return; // after [DONE]: what follows (normally nothing) is read so the connection is reused
      dog.reset();
      framer.push(chunk, events);
      if (batch.length) {
        const payloads = batch;
        batch = [];
        try {
          sink.payloads(payloads);
        } catch (err) {
          return fail(err as Error);
        }
      }
      if (over) return;
      if (unreadable) return fail(upstreamError("The upstream sent an unreadable stream event."));
      if (done) {
        // The rest of the response (normally just its end, in this same read) is read so that its connection
        // is reused. The watchdog stays armed: a response that does not end within the timeout is dropped.
        over = true;
        body.resume();
        ended();
      }
    },
    end() {
      dog.stop();
      if (over) return;
      finish();
      ended();
    },
    error(err) {
      dog.stop();
      if (over) return;
      const reason = abortReason(call.stop, err, "The upstream connection broke mid-stream.");
      if (!(reason instanceof ClientAborted)) {
        const code = (reason as { code?: string }).code;
        logUpstreamFailure(
          `mid-stream ${code}`,
          code === "upstream_timeout"
            ? `${shownUrl(config().upstreamBaseUrl)} went silent mid-reply for ${config().firstByteTimeoutMs} ms`
            : `the connection to ${shownUrl(config().upstreamBaseUrl)} broke mid-reply: ${connectionProblem(err)}`,
        );
      }
      fail(reason);
    },
  });
  dog.reset();

  return {
    pause: () => {
      if (!over) body.pause();
    },
    resume: () => body.resume(),
    stop: (reason) => {
      if (over) return;
      finish();
      call.abort(reason);
    },
  };
}
