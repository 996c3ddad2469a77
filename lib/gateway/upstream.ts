import "server-only";
import { config } from "@/lib/config";
import { demoFetch } from "@/lib/upstream/demo";
import { AppError } from "@/lib/errors";
import { upstreamError, upstreamTimeout } from "./errors";
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
export function abortReason(signal: AbortSignal, err: unknown, fallback: string): Error {
  if (err instanceof AppError) return err;
  if (signal.aborted && signal.reason instanceof ClientAborted) return signal.reason;
  if (signal.aborted && signal.reason instanceof Timeout) return upstreamTimeout();
  return upstreamError(fallback);
}

/**
 * Arms a timer that aborts the call unless `reset` is called again within `ms`. Reset on every upstream read,
 * so it re-arms its one timer (`refresh`) rather than clearing it and making another each time.
 */
export function watchdog(call: UpstreamCall, ms: number) {
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
