/**
 * A simple round-robin reverse proxy on node:http, as a bench stand-in for a load balancer in front of several
 * app instances: each request goes to the next of TARGET_PORTS (comma-separated, on 127.0.0.1), bodies
 * piped both ways unbuffered (headers flushed at once, each chunk passed on as it comes), keep-alive to the
 * targets. Host is passed through, so the app's same-origin check sees the proxy's address. Prints `PORT <n>`.
 */
import http from "node:http";

const targets = String(process.env.TARGET_PORTS).split(",").map(Number);
const agent = new http.Agent({ keepAlive: true, keepAliveMsecs: 30_000, maxSockets: Infinity, maxFreeSockets: 4096 });
let turn = 0;

/** Hop-by-hop headers belong to one connection (RFC 9110 7.6.1): not passed on in either direction. */
const HOP = new Set(["connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"]);
const endToEnd = (headers) => Object.fromEntries(Object.entries(headers).filter(([k]) => !HOP.has(k)));

const server = http.createServer((req, res) => {
  const port = targets[turn++ % targets.length];
  const up = http.request(
    { host: "127.0.0.1", port, method: req.method, path: req.url, headers: endToEnd(req.headers), agent },
    (ures) => {
      res.writeHead(ures.statusCode ?? 502, endToEnd(ures.headers));
      res.flushHeaders();
      ures.pipe(res);
      ures.on("aborted", () => res.destroy());
    },
  );
  up.on("error", (e) => {
    if (res.headersSent) return res.destroy();
    res.writeHead(502, { "content-type": "text/plain" });
    res.end(`proxy: instance :${port}: ${e.message}`);
  });
  res.on("close", () => {
    if (!res.writableFinished) up.destroy();
  });
  req.pipe(up);
});
server.keepAliveTimeout = 60_000;
server.headersTimeout = 65_000;
server.listen(0, "127.0.0.1", 4096, () => process.stdout.write(`PORT ${server.address().port}\n`));
process.on("SIGTERM", () => process.exit(0));
