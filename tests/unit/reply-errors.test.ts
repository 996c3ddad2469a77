import assert from "node:assert/strict";
import { test } from "node:test";
import { AppError, type ErrorCode } from "@/lib/errors";

test("a failed reply says what kind of failure it was, in a sentence every language has", async () => {
  const { readableError, REPLY_ENDED, REPLY_FAILED } = await import("@/lib/chat/turn-prompt");
  const { errorKeyOf, localizeError } = await import("@/lib/i18n/errors");
  // Zhipu's own words for a rate limit are Chinese: a reader of any language gets the sentence for the kind.
  const limited = readableError(new AppError("rate_limit_exceeded", "当前API请求过多，请稍后重试。"));
  assert.equal(limited, "The model service is busy (rate limit). Please retry in a moment.");
  assert.equal(
    localizeError("ja", limited),
    "モデルサービスが混み合っています（レート制限）。しばらくしてから再試行してください。",
  );
  assert.equal(localizeError("zh-CN", limited), "模型服务繁忙（触发限流），请稍后重试。");
  const kinds: ErrorCode[] = [
    "rate_limit_exceeded",
    "insufficient_quota",
    "context_length_exceeded",
    "content_filter",
    "model_not_found",
    "upstream_auth_error",
    "upstream_timeout",
    "upstream_error",
    "internal_error",
  ];
  for (const code of kinds) {
    const sentence = readableError(new AppError(code, "upstream words"));
    assert.notEqual(sentence, "upstream words", code);
    assert.ok(errorKeyOf(sentence), `${code}: "${sentence}" is in the catalogue`);
    assert.notEqual(localizeError("zh-CN", sentence), sentence, code);
  }
  // The app's own refusals (our validation) keep their words; the model service's do not (they may quote what
  // it was sent); anything else is the generic sentence.
  assert.equal(readableError(new AppError("invalid_request_error", "The message is empty.")), "The message is empty.");
  const { mapUpstreamError } = await import("@/lib/gateway/upstream-errors");
  const echoed = readableError(mapUpstreamError(400, { message: "bad param; auth=Bearer sk-secret" }));
  assert.doesNotMatch(echoed, /sk-secret/);
  assert.equal(errorKeyOf(echoed), "replyUpstreamRefused");
  assert.notEqual(localizeError("ja", echoed), echoed);
  assert.equal(readableError(new Error("x".repeat(400))), REPLY_FAILED);
  assert.equal(errorKeyOf(REPLY_FAILED), "replyFailedRetry");
  assert.equal(errorKeyOf(REPLY_ENDED), "replyEndedUnexpectedly");
});

test("a model service that cannot be reached at all is said so, apart from one that failed", async () => {
  const { readableError } = await import("@/lib/chat/turn-prompt");
  const { UPSTREAM_UNREACHABLE } = await import("@/lib/gateway/upstream");
  const { errorKeyOf, localizeError } = await import("@/lib/i18n/errors");
  const unreachable = readableError(new AppError("upstream_error", UPSTREAM_UNREACHABLE));
  const failed = readableError(new AppError("upstream_error", "HTTP 500 from upstream"));
  assert.notEqual(unreachable, failed);
  assert.match(unreachable, /could not reach the model service/);
  assert.equal(errorKeyOf(unreachable), "replyUnreachable");
  assert.match(localizeError("ja", unreachable), /UPSTREAM_BASE_URL/);
});

test("this server's own chat limit is said as such, not as the model service being busy", async () => {
  process.env.RATE_LIMIT_CHAT_RPM = "1";
  const { readableError } = await import("@/lib/chat/turn-prompt");
  const { enforceRateLimits } = await import("@/lib/gateway/rate-limit");
  const { localizeError } = await import("@/lib/i18n/errors");
  const caller = { userId: `limit-${Math.random()}`, apiKeyId: null, source: "chat" as const };
  await enforceRateLimits(caller);
  const refusal = await (async () => {
    try {
      await enforceRateLimits(caller);
    } catch (err) {
      return err;
    }
  })();
  assert.ok(refusal instanceof AppError && refusal.status === 429, "the second message in the minute is refused");
  const sentence = readableError(refusal);
  assert.match(sentence, /faster than this server allows/);
  assert.equal(
    localizeError("ja", sentence),
    "このサーバーが許可するより速くメッセージを送っています。1分ほど待ってから、もう一度送ってください。",
  );
  assert.ok(refusal.headers["retry-after"], "the wait is still sent as retry-after");
});
