import { createParser } from "eventsource-parser";
import { config } from "@/lib/config";
import { demoFetch } from "@/lib/upstream/demo";
import { AppError } from "@/lib/errors";
import { upstreamError, upstreamTimeout } from "./errors";
import { errorFromResponse } from "./upstream-errors";
import type { UpstreamPayload } from "./translate";

type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** Raised inside the core when the caller went away; nothing is sent to anyone after it. */
export class ClientAborted extends Error {
  constructor() {
    super("client aborted");
  }
}

class Timeout extends Error {}

/** One upstream request: its response, and the controller that ends it (client gone, timeout). */
export interface UpstreamCall {
  response: Response;
  abort: (reason?: unknown) => void;
  signal: AbortSignal;
}

/** The seam: the demo upstream in-process when no key is set, the real HTTP upstream otherwise. */
function upstreamFetch(): FetchLike {
  return config().demoMode ? demoFetch : fetch;
}

export async function openUpstream(body: Record<string, unknown>, clientSignal: AbortSignal): Promise<UpstreamCall> {
  const cfg = config();
  const ctrl = new AbortController();
  const onClientAbort = () => ctrl.abort(new ClientAborted());
  if (clientSignal.aborted) throw new ClientAborted();
  clientSignal.addEventListener("abort", onClientAbort, { once: true });
  ctrl.signal.addEventListener("abort", () => clientSignal.removeEventListener("abort", onClientAbort), { once: true });
  const timer = setTimeout(() => ctrl.abort(new Timeout()), cfg.connectTimeoutMs);
  let response: Response;
  try {
    response = await upstreamFetch()(`${cfg.upstreamBaseUrl}/chat/completions`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: body.stream ? "text/event-stream" : "application/json",
        ...(cfg.upstreamApiKey ? { authorization: `Bearer ${cfg.upstreamApiKey}` } : {}),
      },
      body: JSON.stringify(body),
      signal: ctrl.signal,
    });
  } catch (err) {
    throw abortReason(ctrl.signal, err, "The gateway could not reach the upstream model service.");
  } finally {
    clearTimeout(timer);
  }
  if (!response.ok) {
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

/** Arms a timer that aborts the call unless `reset` is called again within `ms`. */
function watchdog(call: UpstreamCall, ms: number) {
  let timer: NodeJS.Timeout | undefined;
  const reset = () => {
    clearTimeout(timer);
    timer = setTimeout(() => call.abort(new Timeout()), ms);
  };
  return { reset, stop: () => clearTimeout(timer) };
}

export async function readUpstreamJson(call: UpstreamCall): Promise<UpstreamPayload> {
  const dog = watchdog(call, config().firstByteTimeoutMs);
  dog.reset();
  try {
    return (await call.response.json()) as UpstreamPayload;
  } catch (err) {
    throw abortReason(call.signal, err, "The upstream sent an unreadable reply.");
  } finally {
    dog.stop();
  }
}

/**
 * Upstream SSE events as parsed JSON, in batches: every event that one network read completed, so the
 * gateway answers each read with one write. Ends at `[DONE]` or the end of the body. Tolerates `\r\n`,
 * multi-line `data:` fields and chunks split anywhere (eventsource-parser); a silence longer than the
 * first-byte timeout, a cut connection, or a data line that is not JSON ends it with a AppError.
 */
export async function* upstreamEventBatches(call: UpstreamCall): AsyncGenerator<UpstreamPayload[]> {
  const body = call.response.body;
  if (!body) throw upstreamError("The upstream sent an empty stream.");
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let pending: string[] = [];
  let done = false;
  const parser = createParser({
    onEvent: (event) => {
      if (event.data === "[DONE]") done = true;
      else if (!done) pending.push(event.data);
    },
  });
  const dog = watchdog(call, config().firstByteTimeoutMs);
  try {
    while (!done) {
      dog.reset();
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (err) {
        throw abortReason(call.signal, err, "The upstream connection broke mid-stream.");
      }
      if (chunk.done) break;
      parser.feed(decoder.decode(chunk.value, { stream: true }));
      if (!pending.length) continue;
      const batch: UpstreamPayload[] = [];
      let unreadable = false;
      for (const data of pending) {
        try {
          batch.push(JSON.parse(data) as UpstreamPayload);
        } catch {
          unreadable = true;
          break;
        }
      }
      pending = [];
      // What arrived intact before an unreadable event still goes to the client, then the error.
      if (batch.length) yield batch;
      if (unreadable) throw upstreamError("The upstream sent an unreadable stream event.");
    }
  } finally {
    dog.stop();
    if (!done) call.abort();
    reader.cancel().catch(() => {});
  }
}

/** The same events one at a time. */
export async function* upstreamEvents(call: UpstreamCall): AsyncGenerator<UpstreamPayload> {
  for await (const batch of upstreamEventBatches(call)) yield* batch;
}
