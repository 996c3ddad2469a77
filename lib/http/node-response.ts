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
  let all = merged.get(headers);
  if (!all) merged.set(headers, (all = { ...SECURITY_HEADERS, ...headers }));
  res.writeHead(200, all);
}

/** Each door's stream headers with the security headers, merged once (not per response). */
const merged = new WeakMap<Record<string, string>, Record<string, string>>();

/**
 * Writes a frame of a streamed response now, in one system call. Left to itself, node's response corks the
 * socket and writes on the next tick: a tick per frame, and with Next's AsyncLocalStorage on, the async-hook
 * work of one. Returns what `res.write` returns (false: wait for 'drain').
 */
export function writeNow(res: ServerResponse, frame: string | Uint8Array): boolean {
  const socket = res.socket;
  if (!socket || socket.writableCorked) return res.write(frame);
  socket.cork();
  const more = res.write(frame);
  socket.uncork();
  return more;
}
