import "server-only";

/**
 * The client's address for throttling. `npm start` (scripts/server.mjs) sets `x-glm-client-ip` from the
 * socket, or from a trusted proxy's X-Forwarded-For with TRUST_PROXY=1, and overwrites any value a client
 * sent; under `next dev` the forwarded header Next itself adds is the best there is.
 */
export function clientAddress(headers: Headers): string {
  return headers.get("x-glm-client-ip") ?? headers.get("x-forwarded-for")?.split(",")[0]?.trim() ?? "unknown";
}
