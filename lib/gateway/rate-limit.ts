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
 * SQLite (one process serves the app): fixed one-minute windows counted in this process's memory.
 * Returns the seconds to wait when the bucket is full, else null (and the request is counted).
 */
const windows = new Map<string, { start: number; count: number }>();

function takeInMemory(bucket: string, limit: number, now: number): number | null {
  const start = windowOf(now);
  const w = windows.get(bucket);
  if (!w || w.start !== start) {
    windows.set(bucket, { start, count: 1 });
    if (windows.size > 50_000) sweep(start);
    return null;
  }
  if (w.count >= limit) return retryAfterS(start, now);
  w.count++;
  return null;
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

async function takeShared(db: Db, bucket: string, limit: number, now: number): Promise<number | null> {
  const { count, windowStart } = await takeRateLimit(db, { bucket, windowStart: windowOf(now) });
  if (now >= nextPrune) {
    nextPrune = now + PRUNE_EVERY_MS;
    // Off the request's path; a window older than the previous one counts for nothing on any instance.
    pruneRateLimits(db, { before: windowOf(now) - WINDOW_MS }).catch((err: unknown) =>
      console.error("[gateway] pruning rate_limits failed", err),
    );
  }
  return count > limit ? retryAfterS(windowStart, now) : null;
}

let shared: boolean | undefined;

/**
 * Throws a 429 with `retry-after` when the caller is over a configured requests-per-minute limit:
 * per key and per user for `/v1`, and for the chat UI only when RATE_LIMIT_CHAT_RPM is set. With no limit
 * configured nothing is counted (no query). The key is checked first: a request it refuses does not
 * count against the user's other keys.
 *
 * In memory (SQLite) the check is synchronous and returns nothing; on PostgreSQL it returns the promise of
 * the shared count. The gateway asks on every request: an await there cost an async resource per request.
 */
export function enforceRateLimits(caller: Caller, now = Date.now(), db?: Db): Promise<void> | undefined {
  if ((shared ??= usingPostgres())) return enforceShared(caller, now, db ?? getDb());
  for (const [bucket, limit, what] of checksOf(caller)) {
    if (!limit) continue;
    const retryAfter = takeInMemory(bucket, limit, now);
    if (retryAfter !== null) throw refused(what, limit, retryAfter);
  }
  return undefined;
}

async function enforceShared(caller: Caller, now: number, db: Db): Promise<void> {
  for (const [bucket, limit, what] of checksOf(caller)) {
    if (!limit) continue;
    const retryAfter = await takeShared(db, bucket, limit, now);
    if (retryAfter !== null) throw refused(what, limit, retryAfter);
  }
}

/** The buckets a request counts against, in the order they are checked, with their limits (0: none). */
function checksOf(caller: Caller): [bucket: string, limit: number, what: string][] {
  const { keyRpm, userRpm, chatRpm } = config().rateLimits;
  return caller.source === "chat"
    ? [[`chat:${caller.userId}`, chatRpm, "chat messages"]]
    : [
        [`key:${caller.apiKeyId}`, keyRpm, "this API key"],
        [`user:${caller.userId}`, userRpm, "your account"],
      ];
}

const refused = (what: string, limit: number, retryAfter: number) =>
  new AppError(
    "rate_limit_exceeded",
    `Rate limit reached for ${what}: ${limit} requests per minute. Retry in ${retryAfter} s.`,
    {
      headers: { "retry-after": String(retryAfter) },
    },
  );
