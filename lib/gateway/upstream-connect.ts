import "server-only";
import dc from "node:diagnostics_channel";
import type { Socket } from "node:net";
import { buildConnector } from "undici";

/**
 * How the upstream pool opens its connections: undici's own connector (the one a Pool builds when given no
 * options), with one thing switched off on each connection it opens.
 *
 * Since 6.29 undici waits for the event loop's check phase before every request it writes on a kept
 * connection, so that bytes the server sent while the connection sat idle are read (and the connection
 * dropped) before the next request goes out (GHSA-35p6-xmwp-9g52, "response queue poisoning": a server
 * answering a request before it is made). On a busy server that wait is the rest of a loop turn, every
 * other stream's reads included: at 32 chat streams ~1.1–1.5 ms between the call and the request leaving,
 * a fifth of the chat's time to first token (bench:ab, 16 + 16 chat streams: TTFT p50 0.78× without it,
 * CPU unchanged; /v1 0.92×).
 *
 * This pool talks to one server only, the upstream the operator configured, and that server already
 * writes every reply to every request: a response it sent early could say nothing it could not say in the
 * reply itself. So the wait guards against nothing here. What the connection has already read is still
 * parsed before a request is written (undici reads its buffer first), and a connection that errors or
 * closes while idle still leaves the pool. The wait also narrowed (without closing) the window in which a
 * request goes out on a connection the server is closing; such a request is sent again instead
 * (postUpstream, lib/gateway/upstream-http.ts). node:http's agent and the bare pass-through in
 * `npm run bench` do not wait either.
 *
 * undici keeps the check's state on the socket under a private symbol, and clears it as it writes each
 * request; the moment it has (its `sendHeaders` diagnostics channel), a socket of this pool is marked checked
 * for the request after. A plain store: an accessor on the socket instead turned every socket into a slow
 * dictionary object, and its properties are read on every chunk. If a later undici names the state
 * otherwise, nothing is switched off and undici waits as it does by default (tests/unit/upstream-connect.test.ts
 * then fails, so the change is seen).
 */
const connectTcp = buildConnector({});

/** undici's symbol for the idle check's state (0 unchecked, 1 checking, 2 checked). */
const IDLE_CHECK = "kIdleSocketValidation";
const CHECKED = 2;

/** This pool's connections (other undici clients in the process, node's fetch among them, keep the check). */
const upstreamSockets = new WeakSet<Socket>();
let idleCheckKey: symbol | undefined;

export const connectUpstream: buildConnector.connector = (options, callback) =>
  connectTcp(options, (...args) => {
    if (args[1]) upstreamSockets.add(args[1]);
    callback(...args);
  });

dc.subscribe("undici:client:sendHeaders", (message) => {
  const socket = (message as { socket?: Socket }).socket;
  if (!socket || !upstreamSockets.has(socket)) return;
  idleCheckKey ??= Object.getOwnPropertySymbols(socket).find((s) => s.description === IDLE_CHECK);
  if (idleCheckKey !== undefined) (socket as unknown as Record<symbol, number>)[idleCheckKey] = CHECKED;
});

/** True when the socket's next request will not wait for undici's idle check (for the test). */
export const idleCheckSkipped = (socket: Socket): boolean =>
  idleCheckKey !== undefined && (socket as unknown as Record<symbol, unknown>)[idleCheckKey] === CHECKED;
