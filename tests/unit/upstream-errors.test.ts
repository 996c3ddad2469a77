import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { errorFromResponse, mapUpstreamError } from "@/lib/gateway/upstream-errors";
import { fromWebResponse } from "@/lib/gateway/upstream-http";

/** Zhipu sends its business codes as strings, usually with an HTTP 400/401/429 status. */
const zhipu = (code: string | number, status = 400, message = "upstream says no", retryAfter?: string | null) =>
  mapUpstreamError(status, { code, message }, retryAfter);

const plain = (status: number, message?: string) => mapUpstreamError(status, message ? { message } : undefined);

describe("mapUpstreamError: Zhipu codes", () => {
  test("1000-1004 are the operator's credentials: 502 upstream_auth_error", () => {
    for (const code of ["1000", "1001", "1002", "1003", "1004", 1002]) {
      const err = zhipu(code, 401);
      assert.equal(err.status, 502, `code ${code}`);
      assert.equal(err.code, "upstream_auth_error", `code ${code}`);
      assert.doesNotMatch(err.message, /upstream says no/);
      assert.equal(err.headers["x-should-retry"], "false", "a retry cannot fix the operator's key");
    }
    assert.equal(plain(401).headers["x-should-retry"], "false");
    assert.notEqual(zhipu("1005").code, "upstream_auth_error");
  });

  test("1113 is 429 insufficient_quota, not to be retried", () => {
    const err = zhipu("1113", 429);
    assert.equal(err.status, 429);
    assert.equal(err.code, "insufficient_quota");
    assert.equal(err.type, "insufficient_quota");
    assert.equal(err.headers["x-should-retry"], "false");
    assert.equal("retry-after" in err.headers, false);
  });

  test("1210, 1213 and 1214 are 400, said in English with Zhipu's own words after", () => {
    for (const code of ["1210", "1213", "1214"]) {
      const err = zhipu(code, 400, "messages 参数非法。请检查文档。");
      assert.equal(err.status, 400, `code ${code}`);
      assert.equal(err.type, "invalid_request_error");
      assert.equal(
        err.message,
        `The upstream refused a parameter of the request. Zhipu (${code}): messages 参数非法。请检查文档。`,
      );
      assert.equal(err.wireCode, null, "code null, as for the gateway's own 400s");
    }
    assert.equal(plain(400, "bad").wireCode, null);
    assert.equal(plain(422).wireCode, null);
  });

  test("1211 is 404 model_not_found", () => {
    const err = zhipu("1211");
    assert.equal(err.status, 404);
    assert.equal(err.code, "model_not_found");
    assert.equal(err.param, "model");
  });

  test("1261 is 400 context_length_exceeded", () => {
    const err = zhipu("1261");
    assert.equal(err.status, 400);
    assert.equal(err.code, "context_length_exceeded");
    assert.equal(err.param, "messages");
  });

  test("1301 is 400 content_filter", () => {
    const err = zhipu("1301");
    assert.equal(err.status, 400);
    assert.equal(err.code, "content_filter");
  });

  test("1302-1305 are 429 rate_limit_exceeded with a retry-after", () => {
    for (const code of ["1302", "1303", "1304", "1305"]) {
      const err = zhipu(code, 429);
      assert.equal(err.status, 429, `code ${code}`);
      assert.equal(err.code, "rate_limit_exceeded");
      assert.equal(err.headers["retry-after"], "5");
    }
  });

  test("retry-after: upstream's value when numeric, else 5", () => {
    assert.equal(zhipu("1302", 429, "slow", "12").headers["retry-after"], "12");
    assert.equal(zhipu("1302", 429, "slow", "soon").headers["retry-after"], "5");
    assert.equal(zhipu("1302", 429, "slow", "Wed, 21 Oct 2015 07:28:00 GMT").headers["retry-after"], "5");
    assert.equal(zhipu("1302", 429, "slow", null).headers["retry-after"], "5");
  });

  test("every known code says what happened in English first; without a message, only that", () => {
    const english = /^[\x20-\x7e]+$/;
    for (const code of ["1113", "1210", "1211", "1261", "1301", "1302", "1305", "1001"]) {
      const err = zhipu(code, 400, "系统检测到输入或生成内容可能包含不安全或敏感内容");
      const [first] = err.message.split(" Zhipu (");
      assert.match(first, english, `code ${code}: ${err.message}`);
      assert.match(mapUpstreamError(400, { code }).message, english, `code ${code} without a message`);
    }
    assert.match(zhipu("1301", 400, "敏感内容").message, /Zhipu \(1301\): 敏感内容$/);
  });

  test("a server without Zhipu's codes is passed on in its own words", () => {
    assert.equal(plain(400, "max_tokens must be at most 4096").message, "max_tokens must be at most 4096");
    assert.equal(plain(429, "Too many requests").message, "Too many requests");
  });

  test("the code decides even without an HTTP status (in-stream errors)", () => {
    assert.equal(mapUpstreamError(null, { code: "1302" }).status, 429);
    assert.equal(mapUpstreamError(null, { code: "1261" }).code, "context_length_exceeded");
  });
});

describe("mapUpstreamError: plain HTTP statuses", () => {
  test("401 and 403 are 502 upstream_auth_error", () => {
    for (const status of [401, 403]) {
      const err = plain(status);
      assert.equal(err.status, 502);
      assert.equal(err.code, "upstream_auth_error");
    }
  });

  test("429 is 429 with retry-after", () => {
    const err = mapUpstreamError(429, undefined, "7");
    assert.equal(err.status, 429);
    assert.equal(err.code, "rate_limit_exceeded");
    assert.equal(err.headers["retry-after"], "7");
  });

  test("500 is 502 upstream_error, hiding upstream's text", () => {
    const err = plain(500, "stack trace at line 42");
    assert.equal(err.status, 502);
    assert.equal(err.code, "upstream_error");
    assert.doesNotMatch(err.message, /stack trace/);
  });

  test("504 is 504 upstream_timeout", () => {
    const err = plain(504);
    assert.equal(err.status, 504);
    assert.equal(err.code, "upstream_timeout");
  });

  test("400 is 400; 404 about a model is model_not_found", () => {
    assert.equal(plain(400, "bad").status, 400);
    assert.equal(plain(404, "model glm-9 not found").code, "model_not_found");
  });
});

describe("errorFromResponse", () => {
  test("reads Zhipu's error body and retry-after header", async () => {
    const res = Response.json(
      { error: { code: "1303", message: "Too many" } },
      { status: 429, headers: { "retry-after": "3" } },
    );
    const err = await errorFromResponse(fromWebResponse(res));
    assert.equal(err.status, 429);
    assert.equal(err.message, "Rate limit reached at the upstream; retry later. Zhipu (1303): Too many");
    assert.equal(err.headers["retry-after"], "3");
  });

  test("a body that is not JSON falls back to the HTTP status", async () => {
    const err = await errorFromResponse(fromWebResponse(new Response("<html>Bad Gateway</html>", { status: 502 })));
    assert.equal(err.status, 502);
    assert.equal(err.code, "upstream_error");
  });
});
