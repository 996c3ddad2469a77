/**
 * Rate limits counted in memory (SQLite) and what a request learns of them: the binding limit's state, sent
 * as OpenAI's `x-ratelimit-*-requests` headers, on answers and on the 429 past the limit.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { AppError } from "@/lib/errors";
import { enforceRateLimits, rateLimitHeaders, WINDOW_MS } from "@/lib/gateway/rate-limit";

// enforceRateLimits() counts in memory without a PostgreSQL URL, and reads its limits from the environment.
delete process.env.DATABASE_URL;
Object.assign(process.env, { RATE_LIMIT_KEY_RPM: "3", RATE_LIMIT_USER_RPM: "5", RATE_LIMIT_CHAT_RPM: "0" });

const api = (key: string, user = `u-${key}`) => ({ userId: user, apiKeyId: key, source: "api" as const });

describe("rate limits in memory", () => {
  test("each request learns the binding limit: what is left of it and when it is whole again", () => {
    const now = 7_000 * WINDOW_MS + 18_000; // 42 s before the window ends
    const states = [1, 2, 3].map(() => enforceRateLimits(api("k1"), now));
    assert.deepEqual(
      states.map((s) => s && !(s instanceof Promise) && [s.limit, s.remaining, s.resetMs]),
      [
        [3, 2, 42_000],
        [3, 1, 42_000],
        [3, 0, 42_000],
      ],
    );
    assert.throws(
      () => enforceRateLimits(api("k1"), now + 500),
      (err: unknown) => {
        assert.ok(err instanceof AppError);
        assert.equal(err.status, 429);
        assert.deepEqual(err.headers, {
          "retry-after": "42",
          "x-ratelimit-limit-requests": "3",
          "x-ratelimit-remaining-requests": "0",
          "x-ratelimit-reset-requests": "41.5s",
        });
        return true;
      },
    );
  });

  test("the account's limit binds once it has fewer left than the key's", () => {
    const now = 7_100 * WINDOW_MS;
    const user = "u-shared";
    const left = ["ka", "ka", "kb", "kb", "kc"].map((k) => {
      const s = enforceRateLimits(api(k, user), now);
      return s && !(s instanceof Promise) ? `${s.limit}:${s.remaining}` : String(s);
    });
    // Keys of 3, the account 5: the key binds until the account has fewer left than it (a tie names the key).
    assert.deepEqual(left, ["3:2", "3:1", "3:2", "3:1", "5:0"]);
    assert.throws(() => enforceRateLimits(api("kd", user), now), /your account: 5 requests per minute/);
  });

  test("the chat has no limit here: nothing is counted and nothing returned", () => {
    assert.equal(enforceRateLimits({ userId: "u-chat", apiKeyId: null, source: "chat" }), undefined);
  });
});

test("durations are written as OpenAI writes them", () => {
  const reset = (resetMs: number) =>
    rateLimitHeaders({ limit: 1, remaining: 0, resetMs })["x-ratelimit-reset-requests"];
  assert.deepEqual(
    [reset(250), reset(1000), reset(42_500), reset(59_990), reset(60_000)],
    ["250ms", "1s", "42.5s", "1m0s", "1m0s"],
  );
});
