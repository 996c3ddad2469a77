import "server-only";
import type { ServerResponse } from "node:http";
import SECURITY_HEADERS from "./security-headers.json";

/** Small pieces the node:http doors (lib/http/node-doors.ts) share. */

/** A JSON response with the headers every response of the app gets (next.config.mjs has the same list). */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/**
 * Starts a streamed response: status 200, the security headers and `headers`. They leave with the first frame,
 * which both doors write at once (a separate write for the headers was one more syscall per stream).
 */
export function startStream(res: ServerResponse, headers: Record<string, string>) {
  res.writeHead(200, { ...SECURITY_HEADERS, ...headers });
}
