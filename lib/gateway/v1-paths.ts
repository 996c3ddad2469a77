import "server-only";
import { AppError } from "@/lib/errors";

/**
 * The paths `/v1` serves, shared by both doors (node-door.ts and the route handlers under app/v1), and OpenAI's
 * JSON answer for any other path or method: a 404 "Invalid URL (POST /v1/completions)", or a 405 naming the
 * method the path takes. Never Next's HTML page or an empty body: an SDK shows the message it finds there.
 */

export const CHAT_PATH = "/v1/chat/completions";
export const MODELS_PATH = "/v1/models";

/**
 * The path as the routes know it: no trailing slash, no empty segments (`/v1//chat/completions/`). Served
 * as such rather than redirected, since a client that does not follow a 308 would get no completion.
 */
export function canonicalV1Path(path: string): string {
  let p = path.includes("//") ? path.replace(/\/{2,}/g, "/") : path;
  if (p.length > 1 && p.endsWith("/")) p = p.slice(0, -1);
  return p;
}

/** The method a canonical `/v1` path answers (besides OPTIONS, and HEAD with GET); null for one it does not serve. */
export function v1Method(path: string): "POST" | "GET" | null {
  if (path === CHAT_PATH) return "POST";
  if (path === MODELS_PATH) return "GET";
  if (path.startsWith(`${MODELS_PATH}/`) && path.length > MODELS_PATH.length + 1 && path.indexOf("/", 11) === -1)
    return "GET";
  return null;
}

/** The error for a request no route takes: 405 (with Allow) on a path the gateway serves, else 404. */
export function wrongRoute(method: string, path: string): AppError {
  const allowed = v1Method(canonicalV1Path(path));
  if (!allowed) return new AppError("not_found", `Invalid URL (${method} ${path})`, { wireCode: null });
  return new AppError("method_not_allowed", `Invalid method for URL (${method} ${path}): it takes ${allowed}.`, {
    wireCode: null,
    headers: { allow: allowed === "GET" ? "GET, HEAD, OPTIONS" : "POST, OPTIONS" },
  });
}

/**
 * On every `/v1` response, errors and streams included: any web page may call the gateway (the SDK's
 * `dangerouslyAllowBrowser`), because `/v1` takes only a bearer API key, never the app's session cookie, so a
 * page can do nothing with it that its own key does not already allow. The request id and the retry hints are
 * readable by the page's script too.
 */
export const CORS_HEADERS = {
  "access-control-allow-origin": "*",
  "access-control-expose-headers":
    "x-request-id, retry-after, x-should-retry, x-ratelimit-limit-requests, x-ratelimit-remaining-requests, " +
    "x-ratelimit-reset-requests",
};

/** When the preflight names none: any header, and Authorization, which a "*" alone does not cover. */
const DEFAULT_ALLOWED_HEADERS = "authorization, *";
/** A list of header names, as a preflight asks for them: echoed back; anything else is not. */
const HEADER_LIST = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+(\s*,\s*[A-Za-z0-9!#$%&'*+.^_`|~-]+)*$/;

/** The answer to a browser's CORS preflight (OPTIONS) on any `/v1` path: allowed, cached for a day. */
export function preflightHeaders(requested: string | null | undefined): Record<string, string> {
  return {
    ...CORS_HEADERS,
    "access-control-allow-methods": "GET, POST, OPTIONS",
    "access-control-allow-headers": requested && HEADER_LIST.test(requested) ? requested : DEFAULT_ALLOWED_HEADERS,
    "access-control-max-age": "86400",
    vary: "access-control-request-headers",
  };
}
