import "server-only";
import { getDb, type Db } from "@/db";
import { pruneRateLimits, takeRateLimit } from "@/db/queries/rate-limits";
import { usingPostgres } from "@/db/url";
import { config } from "@/lib/config";
import { AppError } from "@/lib/errors";
import type { Caller } from "./core";

export const WINDOW_MS = 60_000;
/** How often a process drops finished windows from `rate_limits` (PostgreSQL). */
const PRUNE_EVERY_MS = 5 * 60_000;

const windowOf = (now: number) => Math.floor(now / WINDOW_MS) * WINDOW_MS;
const retryAfterS = (windowStart: number, now: number) =>
  Math.max(1, Math.ceil((windowStart + WINDOW_MS - now) / 1000));

/**
 * Where a request leaves the limit that binds it (the one with the fewest requests left), for OpenAI's
 * `x-ratelimit-*-requests` headers: clients that pace themselves read them (rateLimitHeaders).
 */
export interface RateLimitState {
  limit: number;
  remaining: number;
  /** Until the window ends and the count starts again. */
  resetMs: number;
}

/** A bucket's window once this request is counted: its count (past the limit when refused) and its start. */
type Taken = { count: number; windowStart: number };

/**
 * SQLite (one process serves the app): fixed one-minute windows counted in this process's memory. A request
 * refused is not counted.
 */
const windows = new Map<string, { start: number; count: number }>();

function takeInMemory(bucket: string, limit: number, now: number): Taken {
  const start = windowOf(now);
  let w = windows.get(bucket);
  if (!w || w.start !== start) {
    windows.set(bucket, (w = { start, count: 0 }));
    if (windows.size > 50_000) sweep(start);
  }
  if (w.count >= limit) return { count: limit + 1, windowStart: start };
  w.count++;
  return { count: w.count, windowStart: start };
}

function sweep(current: number) {
  for (const [k, w] of windows) if (w.start < current) windows.delete(k);
}

/**
 * PostgreSQL (several instances behind one address): the same windows counted in `rate_limits`, one
 * atomic upsert per bucket (db/queries/rate-limits.ts), so every instance sees one count. Requests over
 * the limit are counted too (the count passes the limit and stays refused until the window ends).
 */
let nextPrune = 0;

async function takeShared(db: Db, bucket: string, now: number): Promise<Taken> {
  const taken = await takeRateLimit(db, { bucket, windowStart: windowOf(now) });
  if (now >= nextPrune) {
    nextPrune = now + PRUNE_EVERY_MS;
    // Off the request's path; a window older than the previous one counts for nothing on any instance.
    pruneRateLimits(db, { before: windowOf(now) - WINDOW_MS }).catch((err: unknown) =>
      console.error("[gateway] pruning rate_limits failed", err),
    );
  }
  return taken;
}

let shared: boolean | undefined;

/**
 * Throws a 429 with `retry-after` when the caller is over a configured requests-per-minute limit:
 * per key and per user for `/v1`, and for the chat UI only when RATE_LIMIT_CHAT_RPM is set. With no limit
 * configured nothing is counted (no query) and nothing is returned. The key is checked first: a request it
 * refuses does not count against the user's other keys. Otherwise returns the binding limit's state.
 *
 * In memory (SQLite) the check is synchronous; on PostgreSQL it returns the promise of the shared count.
 * The gateway asks on every request: an await there cost an async resource per request.
 */
export function enforceRateLimits(
  caller: Caller,
  now = Date.now(),
  db?: Db,
): RateLimitState | undefined | Promise<RateLimitState | undefined> {
  if ((shared ??= usingPostgres())) return enforceShared(caller, now, db ?? getDb());
  let binding: RateLimitState | undefined;
  for (const [bucket, limit, what] of checksOf(caller)) {
    if (limit) binding = tighter(binding, judge(takeInMemory(bucket, limit, now), limit, what, now));
  }
  return binding;
}

async function enforceShared(caller: Caller, now: number, db: Db): Promise<RateLimitState | undefined> {
  let binding: RateLimitState | undefined;
  for (const [bucket, limit, what] of checksOf(caller)) {
    if (limit) binding = tighter(binding, judge(await takeShared(db, bucket, now), limit, what, now));
  }
  return binding;
}

/** The state a counted request leaves its bucket in; a 429 (with the same headers) past the limit. */
function judge({ count, windowStart }: Taken, limit: number, what: string, now: number): RateLimitState {
  const state = { limit, remaining: Math.max(0, limit - count), resetMs: Math.max(0, windowStart + WINDOW_MS - now) };
  if (count > limit) throw refused(what, limit, retryAfterS(windowStart, now), state);
  return state;
}

const tighter = (a: RateLimitState | undefined, b: RateLimitState) => (a && a.remaining <= b.remaining ? a : b);

/**
 * OpenAI's request-limit headers (it sends the same for tokens, which the gateway does not limit): the limit
 * per minute, what is left of it, and when it is whole again, written as OpenAI writes durations ("1s", "42.5s",
 * "1m0s", "250ms").
 */
export function rateLimitHeaders(state: RateLimitState): Record<string, string> {
  return {
    "x-ratelimit-limit-requests": String(state.limit),
    "x-ratelimit-remaining-requests": String(state.remaining),
    "x-ratelimit-reset-requests": duration(state.resetMs),
  };
}

function duration(ms: number): string {
  if (ms < 1000) return `${Math.ceil(ms)}ms`;
  const tenths = Math.round(ms / 100);
  const minutes = Math.floor(tenths / 600);
  const seconds = (tenths % 600) / 10;
  return minutes ? `${minutes}m${seconds}s` : `${seconds}s`;
}

const CHAT_BUCKET = "chat messages";

/** The buckets a request counts against, in the order they are checked, with their limits (0: none). */
function checksOf(caller: Caller): [bucket: string, limit: number, what: string][] {
  const { keyRpm, userRpm, chatRpm } = config().rateLimits;
  return caller.source === "chat"
    ? [[`chat:${caller.userId}`, chatRpm, CHAT_BUCKET]]
    : [
        [`key:${caller.apiKeyId}`, keyRpm, "this API key"],
        [`user:${caller.userId}`, userRpm, "your account"],
      ];
}

/**
 * The chat's own limit (RATE_LIMIT_CHAT_RPM) in words for the person typing, also the catalogue's
 * "chatRateLimited": said as the model service being busy, it sent them (and the operator) looking there.
 */
export const CHAT_RATE_LIMITED =
  "You are sending messages faster than this server allows. Wait a minute, then send again.";

const refused = (what: string, limit: number, retryAfter: number, state: RateLimitState) =>
  new AppError(
    "rate_limit_exceeded",
    what === CHAT_BUCKET
      ? CHAT_RATE_LIMITED
      : `Rate limit reached for ${what}: ${limit} requests per minute. Retry in ${retryAfter} s.`,
    { headers: { "retry-after": String(retryAfter), ...rateLimitHeaders(state) } },
  );
