import "server-only";
import { config } from "@/lib/config";
import { demoFetch } from "@/lib/upstream/demo";
import { AppError } from "@/lib/errors";
import { upstreamError, upstreamTimeout } from "./errors";
import { errorFromResponse } from "./upstream-errors";
import { connectionProblem, logUpstreamFailure, shownUrl } from "./upstream-log";
import type { Stop } from "./stop";
import { fromWebResponse, postUpstream, readText, type UpstreamResponse } from "./upstream-http";
import type { UpstreamPayload } from "./translate";

/** Raised inside the core when the caller went away; nothing is sent to anyone after it. */
export class ClientAborted extends Error {
  constructor() {
    super("client aborted");
  }
}

class Timeout extends Error {}

/** One upstream request: its response, and what ends it (client gone, timeout, the reader done with it). */
export interface UpstreamCall {
  response: UpstreamResponse;
  abort: (reason?: unknown) => void;
  /** Stopped once the call is ended, with why. */
  stop: Stop;
}

/** The seam: the demo upstream in-process when no key is set, the real HTTP upstream (undici's keep-alive pool) otherwise. */
function post(url: string, headers: Record<string, string>, body: string, stop: Stop): Promise<UpstreamResponse> {
  if (config().demoMode) {
    return demoFetch(url, { method: "POST", headers, body, signal: stop.signal() }).then(fromWebResponse);
  }
  return postUpstream(url, headers, body, stop);
}

/** `client` stops (with ClientAborted) when the caller goes away; the call then ends too. */
export async function openUpstream(body: Record<string, unknown>, client: Stop): Promise<UpstreamCall> {
  const cfg = config();
  if (client.stopped) throw new ClientAborted();
  const stop = client.child();
  const timer = setTimeout(() => stop.stop(new Timeout()), cfg.connectTimeoutMs);
  let response: UpstreamResponse;
  try {
    const headers: Record<string, string> = {
      "content-type": "application/json",
      accept: body.stream ? "text/event-stream" : "application/json",
    };
    if (cfg.upstreamApiKey) headers.authorization = `Bearer ${cfg.upstreamApiKey}`;
    response = await post(`${cfg.upstreamBaseUrl}/chat/completions`, headers, JSON.stringify(body), stop);
  } catch (err) {
    const reason = abortReason(stop, err, UPSTREAM_UNREACHABLE);
    if (!(err instanceof AppError) && !(reason instanceof ClientAborted)) {
      const what =
        stop.reason instanceof Timeout ? `no answer within ${cfg.connectTimeoutMs} ms` : connectionProblem(err);
      logUpstreamFailure("unreachable", `could not reach ${shownUrl(cfg.upstreamBaseUrl)}: ${what}`);
    }
    throw reason;
  } finally {
    clearTimeout(timer);
  }
  if (response.status < 200 || response.status > 299) {
    const err = await errorFromResponse(response);
    stop.stop(new Error("the upstream answered with an error"));
    // The operator's to fix: the key, the address or the service itself (not a caller's bad request or limit).
    const status = response.status;
    if (status === 401 || status === 403 || status === 404 || status >= 500 || err.code === "insufficient_quota") {
      logUpstreamFailure(
        `status ${status}`,
        `${shownUrl(cfg.upstreamBaseUrl)}/chat/completions answered ${status} (${err.code}): ${err.message}`,
      );
    }
    throw err;
  }
  return { response, abort: (reason) => stop.stop(reason ?? new Error("aborted")), stop };
}

/** What an aborted or failed request or read means for the client. */
/** No connection to the model service at all (refused, no such host): the operator's address or a service down. */
export const UPSTREAM_UNREACHABLE = "The gateway could not reach the upstream model service.";

export function abortReason(stop: Stop, err: unknown, fallback: string): Error {
  if (err instanceof AppError) return err;
  if (stop.stopped && stop.reason instanceof ClientAborted) return stop.reason;
  if (stop.stopped && stop.reason instanceof Timeout) return upstreamTimeout();
  return upstreamError(fallback);
}

/**
 * Aborts the call once `ms` pass with no `reset`. Reset on every upstream read, it only notes the time: its one
 * timer, when it comes due, re-arms itself for what is left (a stream is usually over long before). Refreshing
 * the timer per read moved it in Node's timer list each time, and that was ~0.3 % of a /v1 stream.
 */
export function watchdog(call: UpstreamCall, ms: number) {
  let last = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const due = () => {
    const left = last + ms - performance.now();
    if (left > 0) timer = setTimeout(due, left);
    else call.abort(new Timeout());
  };
  return {
    reset: () => {
      if (stopped) return;
      last = performance.now();
      timer ??= setTimeout(due, ms);
    },
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
    throw abortReason(call.stop, err, "The upstream sent an unreadable reply.");
  } finally {
    dog.stop();
  }
}
