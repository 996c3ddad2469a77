import "server-only";
import { config } from "@/lib/config";

/**
 * CSRF guard for the browser's state-changing routes (cookies are sent with cross-site requests too).
 * A request passes when
 * - `Sec-Fetch-Site` (every current browser sends it) is `same-origin`, or `none` (typed in the address bar);
 *   `same-site` is refused: another origin of the same site (a sibling subdomain, another port) is not us;
 * - else, without Sec-Fetch-Site, an `Origin` header must name this server: its host is compared with the
 *   Host the browser used, not with req.url, which Next reports as http://localhost:PORT even when the
 *   browser typed 127.0.0.1. X-Forwarded-Host / -Proto stand in for them only with TRUST_PROXY=1: any client
 *   can send those headers, and believing them would let a page name its own host as ours;
 * - neither header: not a browser (curl, a script), nothing to forge, allowed.
 * A request with a body must also say it is JSON: a form or a no-cors fetch cannot send that content type
 * across origins without a CORS preflight, which this server never grants.
 */
export function refuseCrossSite(req: Request, trustProxy = config().trustProxy): Response | null {
  const refusal = crossSiteRefusal(req.method, req.headers, hasBody(req), trustProxy);
  return refusal && Response.json(refusalBody(refusal), { status: refusal.status });
}

/** Reads a request header (web Headers, or node's headers through a small getter). */
export interface HeaderReader {
  get(name: string): string | null;
}

export interface Refusal {
  status: number;
  code: string;
  message: string;
}

export const refusalBody = (r: Refusal) => ({ error: { message: r.message, code: r.code } });

/**
 * The same check for any door: the method, the headers, whether the request carries a body, and whether a
 * proxy of the operator's is in front (TRUST_PROXY; a parameter so that tests can say either).
 */
export function crossSiteRefusal(
  method: string,
  headers: HeaderReader,
  withBody: boolean,
  trustProxy = config().trustProxy,
): Refusal | null {
  const site = headers.get("sec-fetch-site");
  if (site !== null) {
    if (site !== "same-origin" && site !== "none")
      return refuse(403, "cross_site_request", "Cross-site requests are not allowed.");
  } else {
    const origin = headers.get("origin");
    if (origin !== null && !isOwnOrigin(origin, headers, trustProxy)) {
      return refuse(403, "cross_site_request", "Cross-origin requests are not allowed.");
    }
  }
  if (withBody && BODY_METHODS.has(method.toUpperCase()) && !isJson(headers.get("content-type"))) {
    return refuse(415, "unsupported_media_type", "Send the request body as application/json.");
  }
  return null;
}

function isOwnOrigin(origin: string, headers: HeaderReader, trustProxy: boolean): boolean {
  const forwarded = (name: string) => (trustProxy ? first(headers.get(name)) : undefined);
  const host = forwarded("x-forwarded-host") ?? headers.get("host");
  if (!host) return false;
  let url: URL;
  try {
    url = new URL(origin); // "null" (sandboxed frames, file:) throws and is refused
  } catch {
    return false;
  }
  if (url.host !== host.trim().toLowerCase()) return false;
  // Behind a TLS proxy the scheme is known; an http page must not act for the https site.
  const proto = forwarded("x-forwarded-proto");
  return !proto || url.protocol === `${proto.toLowerCase()}:`;
}

const first = (value: string | null) => value?.split(",")[0]?.trim() || undefined;

const BODY_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);
function hasBody(req: Request): boolean {
  if (!BODY_METHODS.has(req.method.toUpperCase())) return false;
  const length = req.headers.get("content-length");
  return (
    req.headers.has("transfer-encoding") ||
    (length !== null && length !== "0") ||
    (length === null && req.body !== null)
  );
}

/** application/json, or any +json type, with parameters (charset) allowed. */
function isJson(type: string | null): boolean {
  const essence = type?.split(";")[0].trim().toLowerCase() ?? "";
  return essence === "application/json" || /^application\/[\w.+-]+\+json$/.test(essence);
}

function refuse(status: number, code: string, message: string): Refusal {
  return { status, code, message };
}
