/**
 * The floor any proxy pays: a bare Node http pass-through (keep-alive agent, req.pipe / res.pipe, no
 * parsing) to TARGET_PORT on 127.0.0.1. Prints `PORT <n>` once listening.
 */
import http from "node:http";

const target = Number(process.env.TARGET_PORT);
const agent = new http.Agent({ keepAlive: true, keepAliveMsecs: 30_000, maxSockets: Infinity, maxFreeSockets: 4096 });

const server = http.createServer((req, res) => {
  const up = http.request(
    { host: "127.0.0.1", port: target, method: req.method, path: req.url, headers: req.headers, agent },
    (ures) => {
      res.writeHead(ures.statusCode ?? 502, ures.headers);
      ures.pipe(res);
    },
  );
  up.on("error", () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
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
