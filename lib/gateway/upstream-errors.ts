import "server-only";
import { AppError } from "@/lib/errors";
import { upstreamError } from "./errors";
import { readText, type UpstreamResponse } from "./upstream-http";

interface UpstreamErrorBody {
  code?: string | number;
  message?: string;
  type?: string;
}

const RATE_LIMIT_RETRY_AFTER_S = "5";

/**
 * Zhipu's error codes (and plain HTTP statuses from other OpenAI-compatible servers) mapped to what an
 * OpenAI client understands. Operator-side failures never blame the client's key.
 *
 * Zhipu writes its messages in Chinese ("您当前使用该API的并发数过高…"). An error for a code the gateway knows says
 * what happened in English, as OpenAI's do, and keeps Zhipu's own words after it (they name the parameter, the
 * limit): `Rate limit reached at the upstream; retry later. Zhipu (1302): 您当前使用该API的并发数过高…`. Other
 * servers' messages (an OpenAI-compatible upstream, with no Zhipu code) are passed on as they are.
 */
export function mapUpstreamError(
  status: number | null,
  err: UpstreamErrorBody | undefined,
  retryAfter?: string | null,
): AppError {
  const code = Number(err?.code);
  const message = typeof err?.message === "string" && err.message ? err.message : undefined;
  const says = (fallback: string) => message ?? fallback;
  const zhipuSays = (english: string) => (message ? `${english} Zhipu (${code}): ${message}` : english);

  if (code >= 1000 && code <= 1004) return upstreamAuth();
  if (code === 1113) {
    return new AppError(
      "insufficient_quota",
      "The upstream account is out of credit (Zhipu code 1113). Ask the operator to top it up.",
      { headers: { "x-should-retry": "false" } },
    );
  }
  if (code === 1210 || code === 1213 || code === 1214) {
    return badRequest(zhipuSays("The upstream refused a parameter of the request."));
  }
  if (code === 1211) {
    return new AppError("model_not_found", zhipuSays("The upstream does not offer this model."), { param: "model" });
  }
  if (code === 1261) {
    return new AppError("context_length_exceeded", zhipuSays("The prompt is longer than the model's context window."), {
      param: "messages",
    });
  }
  if (code === 1301) {
    return new AppError("content_filter", zhipuSays("The content was blocked by the upstream's safety filter."));
  }
  if (code >= 1302 && code <= 1305) {
    return rateLimited(zhipuSays("Rate limit reached at the upstream; retry later."), retryAfter);
  }

  switch (true) {
    case status === 401 || status === 403:
      return upstreamAuth();
    case status === 429:
      return rateLimited(says("Rate limit reached; please retry later."), retryAfter);
    case status === 400 || status === 422:
      return badRequest(says("Invalid request."));
    case status === 404 && /model/i.test(message ?? ""):
      return new AppError("model_not_found", says("Model not found."), { param: "model" });
    case status === 408 || status === 504:
      return new AppError("upstream_timeout", "The upstream model service timed out.");
    default:
      return upstreamError();
  }
}

/** A 400 upstream found: `code` null like the gateway's own 400s (and OpenAI's plain ones), whatever Zhipu's code. */
const badRequest = (message: string) =>
  new AppError("invalid_request_error", message, { wireCode: null, fromUpstream: true });

/** The operator's key: no retry can fix it, so the SDKs are told not to (they retry a 502 twice by default). */
function upstreamAuth() {
  return new AppError(
    "upstream_auth_error",
    "The gateway's upstream credentials were rejected. The operator must check UPSTREAM_API_KEY.",
    { headers: { "x-should-retry": "false" } },
  );
}

function rateLimited(message: string, retryAfter?: string | null) {
  const seconds = retryAfter && /^\d+$/.test(retryAfter) ? retryAfter : RATE_LIMIT_RETRY_AFTER_S;
  return new AppError("rate_limit_exceeded", message, { headers: { "retry-after": seconds } });
}

/** Reads an error response from upstream, whatever shape it has. */
export async function errorFromResponse(res: UpstreamResponse): Promise<AppError> {
  let body: { error?: UpstreamErrorBody } | undefined;
  try {
    body = JSON.parse(await readText(res)) as { error?: UpstreamErrorBody };
  } catch {
    body = undefined;
  }
  return mapUpstreamError(res.status, body?.error, res.header("retry-after"));
}
