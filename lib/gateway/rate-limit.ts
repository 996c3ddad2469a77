import { config } from "@/lib/config";
import { GatewayError } from "./errors";
import type { Caller } from "./core";

const WINDOW_MS = 60_000;

/** Fixed one-minute windows, counted in memory (one process serves the app). */
const windows = new Map<string, { start: number; count: number }>();

function take(bucket: string, limit: number, now: number): number | null {
  const start = Math.floor(now / WINDOW_MS) * WINDOW_MS;
  const w = windows.get(bucket);
  if (!w || w.start !== start) {
    windows.set(bucket, { start, count: 1 });
    if (windows.size > 50_000) sweep(start);
    return null;
  }
  if (w.count >= limit) return Math.max(1, Math.ceil((start + WINDOW_MS - now) / 1000));
  w.count++;
  return null;
}

function sweep(current: number) {
  for (const [k, w] of windows) if (w.start < current) windows.delete(k);
}

/**
 * Throws a 429 with `retry-after` when the caller is over a configured requests-per-minute limit:
 * per key and per user for `/v1`, and for the chat UI only when RATE_LIMIT_CHAT_RPM is set.
 */
export function enforceRateLimits(caller: Caller, now = Date.now()): void {
  const { keyRpm, userRpm, chatRpm } = config().rateLimits;
  const checks: [string, number, string][] = caller.source === "chat"
    ? [[`chat:${caller.userId}`, chatRpm, "chat messages"]]
    : [[`key:${caller.apiKeyId}`, keyRpm, "this API key"], [`user:${caller.userId}`, userRpm, "your account"]];
  for (const [bucket, limit, what] of checks) {
    if (!limit) continue;
    const retryAfter = take(bucket, limit, now);
    if (retryAfter !== null) {
      throw new GatewayError(429, "rate_limit_error", "rate_limit_exceeded",
        `Rate limit reached for ${what}: ${limit} requests per minute. Retry in ${retryAfter} s.`, null,
        { "retry-after": String(retryAfter) });
    }
  }
}
