import "server-only";
import { config } from "@/lib/config";
import { demoFetch } from "@/lib/upstream/demo";
import { AppError } from "@/lib/errors";
import { upstreamError, upstreamTimeout } from "./errors";
import { SseFramer } from "./sse-framer";
import { errorFromResponse } from "./upstream-errors";
import { fromWebResponse, postUpstream, readText, type UpstreamResponse } from "./upstream-http";
import type { UpstreamPayload } from "./translate";

/** Raised inside the core when the caller went away; nothing is sent to anyone after it. */
export class ClientAborted extends Error {
  constructor() {
    super("client aborted");
  }
}

class Timeout extends Error {}

/** One upstream request: its response, and the controller that ends it (client gone, timeout). */
export interface UpstreamCall {
  response: UpstreamResponse;
  abort: (reason?: unknown) => void;
  signal: AbortSignal;
}

/** The seam: the demo upstream in-process when no key is set, the real HTTP upstream (pooled node:http) otherwise. */
async function post(url: string, headers: Record<string, string>, body: string, signal: AbortSignal) {
  if (config().demoMode) return fromWebResponse(await demoFetch(url, { method: "POST", headers, body, signal }));
  return postUpstream(url, headers, body, signal);
}

export async function openUpstream(body: Record<string, unknown>, clientSignal: AbortSignal): Promise<UpstreamCall> {
  const cfg = config();
  const ctrl = new AbortController();
  const onClientAbort = () => ctrl.abort(new ClientAborted());
  if (clientSignal.aborted) throw new ClientAborted();
  clientSignal.addEventListener("abort", onClientAbort, { once: true });
  ctrl.signal.addEventListener("abort", () => clientSignal.removeEventListener("abort", onClientAbort), { once: true });
  const timer = setTimeout(() => ctrl.abort(new Timeout()), cfg.connectTimeoutMs);
  let response: UpstreamResponse;
  try {
    const headers: Record<string, string> = {
      "content-type": "application/json",
      accept: body.stream ? "text/event-stream" : "application/json",
    };
    if (cfg.upstreamApiKey) headers.authorization = `Bearer ${cfg.upstreamApiKey}`;
    response = await post(`${cfg.upstreamBaseUrl}/chat/completions`, headers, JSON.stringify(body), ctrl.signal);
  } catch (err) {
    throw abortReason(ctrl.signal, err, "The gateway could not reach the upstream model service.");
  } finally {
    clearTimeout(timer);
  }
  if (response.status < 200 || response.status > 299) {
    const err = await errorFromResponse(response);
    ctrl.abort();
    throw err;
  }
  return { response, abort: (reason) => ctrl.abort(reason), signal: ctrl.signal };
}

/** What an aborted or failed fetch/read means for the client. */
function abortReason(signal: AbortSignal, err: unknown, fallback: string): Error {
  if (err instanceof AppError) return err;
  if (signal.aborted && signal.reason instanceof ClientAborted) return signal.reason;
  if (signal.aborted && signal.reason instanceof Timeout) return upstreamTimeout();
  return upstreamError(fallback);
}

/**
 * Arms a timer that aborts the call unless `reset` is called again within `ms`. Reset on every upstream read,
 * so it re-arms its one timer (`refresh`) rather than clearing it and making another each time.
 */
function watchdog(call: UpstreamCall, ms: number) {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const reset = () => {
    if (stopped) return;
    if (timer) timer.refresh();
    else timer = setTimeout(() => call.abort(new Timeout()), ms);
  };
  return {
    reset,
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

export async function readUpstreamJson(call: UpstreamCall): Promise<UpstreamPayload> {
  const dog = watchdog(call, config().firstByteTimeoutMs);
  dog.reset();
  try {
    return JSON.parse(await readText(call.response)) as UpstreamPayload;
  } catch (err) {
    throw abortReason(call.signal, err, "The upstream sent an unreadable reply.");
  } finally {
    dog.stop();
  }
}

/** After `[DONE]`, how long the rest of a response may take to end before its connection is dropped. */
const DRAIN_AFTER_DONE_MS = 5000;

/**
 * Upstream SSE events as parsed JSON, in batches: every event that one network read completed, so the
 * gateway answers each read with one write. Ends at `[DONE]` or the end of the body. Framed on the bytes
 * (sse-framer.ts): `\r\n`, multi-line `data:` fields and chunks split anywhere are fine; a silence longer than
 * the first-byte timeout, a cut connection, or a data line that is not JSON ends it with an AppError.
 */
export async function* upstreamEventBatches(call: UpstreamCall): AsyncGenerator<UpstreamPayload[]> {
  const body = call.response.body[Symbol.asyncIterator]();
  const framer = new SseFramer();
  const pending: string[] = [];
  let done = false;
  let ended = false;
  const dog = watchdog(call, config().firstByteTimeoutMs);
  try {
    while (!done) {
      dog.reset();
      let chunk: IteratorResult<Uint8Array>;
      try {
        chunk = await body.next();
      } catch (err) {
        throw abortReason(call.signal, err, "The upstream connection broke mid-stream.");
      }
      if (chunk.done) {
        ended = true;
        break;
      }
      framer.push(chunk.value, pending);
      if (!pending.length) continue;
      const batch: UpstreamPayload[] = [];
      let unreadable = false;
      for (const data of pending) {
        if (data === "[DONE]") {
          done = true;
          break;
        }
        try {
          batch.push(JSON.parse(data) as UpstreamPayload);
        } catch {
          unreadable = true;
          break;
        }
      }
      pending.length = 0;
      // What arrived intact before an unreadable event still goes to the client, then the error.
      if (batch.length) yield batch;
      if (unreadable) throw upstreamError("The upstream sent an unreadable stream event.");
    }
  } finally {
    dog.stop();
    if (!ended && done) drainInBackground(call, body);
    else if (!ended) {
      call.abort();
      body.return?.().catch(() => {});
    }
  }
}

/** Reads what follows `[DONE]` (normally only the body's end) so the connection goes back to the pool. */
function drainInBackground(call: UpstreamCall, body: AsyncIterator<Uint8Array>) {
  const cap = setTimeout(() => call.abort(), DRAIN_AFTER_DONE_MS);
  void (async () => {
    try {
      while (!(await body.next()).done) {}
    } catch {
    } finally {
      clearTimeout(cap);
    }
  })();
}

/** The same events one at a time. */
export async function* upstreamEvents(call: UpstreamCall): AsyncGenerator<UpstreamPayload> {
  for await (const batch of upstreamEventBatches(call)) yield* batch;
}
