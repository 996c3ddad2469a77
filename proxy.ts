import { NextResponse, type NextRequest } from "next/server";
import { errorResponse, invalidRequest } from "@/lib/gateway/errors";
import { malformedActionBody } from "@/lib/http/action-guard";
import { crossSiteRefusal } from "@/lib/http/same-origin";
import { contentSecurityPolicy, newNonce } from "@/lib/http/csp";
import { isBadPath } from "@/lib/http/path-guard";
import { PAGE_HEADER } from "@/lib/auth/page-header";

/**
 * In front of routing (Next 16's proxy, formerly middleware), for pages and the dynamic API routes:
 * 1. a path that cannot be decoded, or decodes to a control character, gets a 4xx instead of Next's bare 500;
 * 2. a server-action POST (any POST to a page) from another site gets a 403, and one whose body React cannot decode a 400, instead
 *    of a 500 from inside Next;
 * 3. every page gets a Content-Security-Policy with a fresh nonce. The nonce goes on the request's CSP header
 *    too, because that is where Next reads it to stamp its own scripts while rendering.
 * The static headers (nosniff, frame, referrer, permissions, HSTS) come from next.config.mjs `headers()`,
 * which also covers the routes this proxy skips.
 */
export async function proxy(req: NextRequest) {
  const { pathname } = req.nextUrl;
  const api = pathname.startsWith("/api/") || pathname.startsWith("/v1/");
  if (isBadPath(pathname)) {
    if (pathname.startsWith("/v1/"))
      return errorResponse(invalidRequest("The request path is not valid.", null, "invalid_path"));
    if (api) return Response.json({ error: "The request path is not valid." }, { status: 400 });
  }
  if (api) return NextResponse.next();
  // A server action posted from another site: Next refuses it too, but as a 500 with a stack in the log. Every
  // POST to a page is one, with the Next-Action header or (a form sent before the page's JavaScript ran) as
  // form fields naming the action: a security review found the second kind skipped this check, and a forged
  // form with Sec-Fetch-Site: cross-site and no Origin signed its sender in.
  if (req.method === "POST") {
    const refusal = crossSiteRefusal(req.method, req.headers, false);
    if (refusal)
      return new Response(`${refusal.message}\n`, {
        status: refusal.status,
        headers: { "content-type": "text/plain; charset=utf-8" },
      });
  }
  const malformed = await malformedActionBody(req);
  if (malformed)
    return new Response(`${malformed}\n`, { status: 400, headers: { "content-type": "text/plain; charset=utf-8" } });

  const proto = (req.headers.get("x-forwarded-proto") ?? req.nextUrl.protocol).split(",")[0].trim();
  const csp = contentSecurityPolicy(newNonce(), {
    dev: process.env.NODE_ENV === "development",
    https: proto === "https" || proto === "https:",
  });
  const headers = new Headers(req.headers);
  headers.set("content-security-policy", csp);
  // The page asked for, for requireUser's way back after sign-in (a value the client sent is replaced).
  headers.set(PAGE_HEADER, pathname + req.nextUrl.search);
  // An undecodable page path becomes the app's own not-found page (a 404), rendered with the nonce.
  const res = isBadPath(pathname)
    ? NextResponse.rewrite(new URL("/_invalid-path", req.url), { request: { headers } })
    : NextResponse.next({ request: { headers } });
  res.headers.set("content-security-policy", csp);
  return res;
}

export const config = {
  // Skipped: static assets, and the hot API paths without dynamic segments (/v1/chat/completions,
  // /api/chat, /api/health), which Next never has to decode and which must stay fast; and uploads
  // (/api/attachments), whose body (up to 20 MB) the proxy would otherwise buffer and cut at 1 MB.
  matcher: [
    "/((?!_next/static/|_next/image|icon\\.svg$|v1/chat/completions$|v1/models$|api/chat$|api/health$|api/attachments$).*)",
  ],
};
