#!/usr/bin/env node
/**
 * The production server behind `npm start`: Next's request handler on node:http, so that
 * - HOSTNAME and PORT are honoured (`next start` ignores HOSTNAME and listens on every interface);
 * - the client's address comes from the socket (or, with TRUST_PROXY=1, from the proxy's X-Forwarded-For),
 *   passed on as `x-glm-client-ip` for sign-in throttling; a client cannot set that header itself;
 * - a body declared larger than any door accepts is refused before a byte of it is read.
 * - `/v1` (the OpenAI-compatible gateway) and `POST /api/chat` (a chat message) are answered on node:http by
 *   lib/http/node-doors.ts — the same functions as their route handlers, which instrumentation.ts hands over
 *   once Next has loaded — without Next's router and web streams in between: close to a bare proxy.
 * Everything else is Next's, unchanged. `next dev` (npm run dev) keeps Next's own server.
 */
import { createServer } from "node:http";
import next from "next";
import { acceptBurstsFaster } from "./accept-bursts.mjs";

/** Said as the app's own start-up says it (lib/start-up.ts), with a failing status for a supervisor to see. */
function cannotStart(why) {
  console.error(`glm-chat cannot start: ${why}`);
  process.exit(1);
}

const port = Number(process.env.PORT || 3000);
if (!Number.isInteger(port) || port < 0 || port > 65535)
  cannotStart(`PORT must be a port number from 0 to 65535, not "${process.env.PORT}".`);
const hostname = process.env.HOSTNAME || "0.0.0.0";
const trustProxy = ["1", "true", "yes"].includes(String(process.env.TRUST_PROXY).toLowerCase());
const maxBody = Number(process.env.MAX_BODY_BYTES || 4 * 1024 * 1024);
/** The doors read bodies up to their own cap and answer 413 in their own format; past this one, we do. */
const HARD_LIMIT = Math.max(maxBody, 1024 * 1024) * 2;
/** A document upload (POST /api/attachments) may be 20 MB; its route enforces that while reading. */
const UPLOAD_LIMIT = 21 * 1024 * 1024;

const app = next({ dev: false, hostname, port, dir: process.cwd() });
await app.prepare();
const handle = app.getRequestHandler();

/**
 * Listens once the app's start-up (lib/start-up.ts, which instrumentation.ts runs once Next has loaded it) is
 * done, which it says by handing over the doors below. Listening before then, a server that waits for another
 * to let go of its SQLite file took connections it could not answer for up to a minute, and held its port
 * while the other stopped.
 */
const DOORS = Symbol.for("glm-chat.node-doors");
const STARTUP_LIMIT_MS = 90_000;
for (const until = Date.now() + STARTUP_LIMIT_MS; !globalThis[DOORS] && Date.now() < until; )
  await new Promise((resolve) => setTimeout(resolve, 25));

/**
 * (req, res) => Promise<boolean>: false for what it does not serve, set by start-up (above); looked up until
 * found, should start-up not have said it was done in time (Next answers meanwhile).
 * THROUGH_NEXT=1 leaves those paths to the route handlers (as on hosts that run only Next): npm test runs
 * its PostgreSQL pass that way, so both paths stay tested.
 */
const throughNext = ["1", "true", "yes"].includes(String(process.env.THROUGH_NEXT).toLowerCase());
let serveNodeDoors;
const nodeDoors = () => (throughNext ? undefined : (serveNodeDoors ??= globalThis[DOORS]));
/** `/v1`, `/v1/…` or `/v1?…`: the gateway's paths, all answered in OpenAI's JSON (not `/v1x`). */
const isV1 = (url = "") => url.startsWith("/v1/") || url === "/v1" || url.startsWith("/v1?");
const hotPath = (url = "") => isV1(url) || url.startsWith("/api/chat");

let warnedAboutProxy = false;
/**
 * Behind a reverse proxy on this host without TRUST_PROXY, every visitor comes from loopback and shares its
 * sign-in and sign-up limits (lib/auth/throttle.ts): one guesser can then lock everybody out. Said once.
 */
function warnIfProxiedUntrusted(req, address) {
  if (warnedAboutProxy || trustProxy || req.headers["x-forwarded-for"] === undefined) return;
  // Next's own request to itself (the page a server action redirects to) copies the original request's
  // headers, ours included, and adds X-Forwarded-For: not a proxy. A proxy never sends x-glm-client-ip.
  if (req.headers["x-glm-client-ip"] !== undefined) return;
  if (!["127.0.0.1", "::1", "::ffff:127.0.0.1"].includes(address)) return;
  warnedAboutProxy = true;
  console.warn(
    "glm-chat: requests come through a proxy on this host (X-Forwarded-For) but TRUST_PROXY is not set, so every " +
      "visitor shares one address and its sign-in limits. Set TRUST_PROXY=1 if the proxy is yours.",
  );
}

/** The last address the trusted proxy saw, else the socket's own. */
function clientAddress(req) {
  if (trustProxy) {
    const forwarded = String(req.headers["x-forwarded-for"] ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    if (forwarded.length) return forwarded.at(-1);
  }
  const address = req.socket.remoteAddress ?? "unknown";
  warnIfProxiedUntrusted(req, address);
  return address;
}

/**
 * Next's handler, told the client's address. Only what Next serves needs it (sign-in throttling): the node:http
 * doors never read it, and asking the socket for its peer is a system call on each new connection.
 */
function toNext(req, res) {
  req.headers["x-glm-client-ip"] = clientAddress(req);
  return handle(req, res);
}

const server = createServer((req, res) => {
  const declared = Number(req.headers["content-length"] ?? 0);
  const upload = (req.url ?? "").startsWith("/api/attachments");
  if (declared > (upload ? Math.max(HARD_LIMIT, UPLOAD_LIMIT) : HARD_LIMIT)) {
    const json = isV1(req.url);
    res.writeHead(413, {
      "content-type": json ? "application/json" : "text/plain; charset=utf-8",
      connection: "close",
      // As on every /v1 answer (lib/gateway/v1-paths.ts): a browser's script may read the error.
      ...(json ? { "access-control-allow-origin": "*" } : {}),
    });
    res.end(
      json
        ? JSON.stringify({
            error: {
              message: `The request body is larger than ${maxBody} bytes.`,
              type: "invalid_request_error",
              param: null,
              code: "request_too_large",
            },
          })
        : `The request body is larger than ${maxBody} bytes.\n`,
    );
    req.destroy();
    return;
  }
  const doors = hotPath(req.url) ? nodeDoors() : undefined;
  if (doors) {
    // A value the client sent is never passed on, whoever serves the request.
    if (req.headers["x-glm-client-ip"] !== undefined) delete req.headers["x-glm-client-ip"];
    doors(req, res).then(
      (served) => served || toNext(req, res),
      (err) => {
        console.error("[server] a node:http door failed", err);
        if (!res.headersSent) res.writeHead(500);
        res.end();
      },
    );
    return;
  }
  void toNext(req, res);
});
// Long SSE replies: no request timeout; idle keep-alive sockets close after Node's default.
server.requestTimeout = 0;
/** Set once listening: more descriptors for the listening socket under load (scripts/accept-bursts.mjs). */
let acceptCopies;
const where = `${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`;
const listenFailed = (err) =>
  cannotStart(
    err.code === "EADDRINUSE"
      ? `${where} is in use by another program (another server?). Stop it, or set another PORT.`
      : err.code === "EACCES"
        ? `no permission to listen on ${where} (ports below 1024 need privileges).`
        : `cannot listen on ${where}: ${err.message}`,
  );
server.once("error", listenFailed);
server.listen(port, hostname, () => {
  server.off("error", listenFailed);
  setTimeout(() => {
    if (!throughNext && !nodeDoors()) console.warn("glm-chat: the node:http doors did not register; Next serves /v1.");
  }, 2000).unref();
  console.log(`glm-chat listening on http://${where}`);
  // ACCEPT_COPIES=0 keeps node's one accept per loop turn even under load; ACCEPT_ARM_AT is for benchmarks.
  const fromEnv = (name) => (process.env[name] === undefined ? undefined : Number(process.env[name]));
  acceptCopies = acceptBurstsFaster(server, {
    copies: fromEnv("ACCEPT_COPIES"),
    armAt: fromEnv("ACCEPT_ARM_AT"),
    log: process.env.ACCEPT_LOG === "1" ? (m) => console.log(`glm-chat: ${m}`) : undefined,
  });
});

let stopping = false;
/**
 * Stops taking connections and exits once the replies in progress have ended (the database's last writes are
 * made at exit: db/engines/sqlite-exit.ts). A second signal exits at once; a reply cut off then is marked
 * interrupted at the next start.
 */
const stop = () => {
  if (stopping) process.exit(0);
  stopping = true;
  console.log("glm-chat: stopping once the replies in progress end (again to stop now)");
  acceptCopies?.close();
  server.close(() => process.exit(0));
  // A browser's connection kept alive after its last reply would hold close() for the keep-alive timeout (5 s).
  setInterval(() => server.closeIdleConnections(), 100).unref();
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
