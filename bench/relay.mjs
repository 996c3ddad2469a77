/**
 * The least a gateway door on undici does: reads the JSON body, parses it and writes it again, sends it
 * upstream through a keep-alive undici Pool (as lib/gateway/upstream-http.ts does) and copies the reply's bytes
 * back as they come. No key check, validation, ledger, translation, timers or error mapping. A floor for /v1
 * beside the bare pass-through's (bench/passthrough.mjs, node:http's client and pipes): the gap between this and
 * /v1 is the door's own work. Forwards to TARGET_PORT on 127.0.0.1; prints `PORT <n>` once listening.
 */
import http from "node:http";
import { Pool } from "undici";

const pool = new Pool(`http://127.0.0.1:${Number(process.env.TARGET_PORT)}`, {
  connections: null,
  headersTimeout: 0,
  bodyTimeout: 0,
  keepAliveTimeout: 30_000,
});

const server = http.createServer((req, res) => {
  const parts = [];
  req.on("data", (chunk) => parts.push(chunk));
  req.on("end", () => {
    let body;
    try {
      body = JSON.stringify(JSON.parse(Buffer.concat(parts).toString("utf8")));
    } catch {
      res.writeHead(400).end();
      return;
    }
    pool.dispatch(
      {
        path: req.url,
        method: "POST",
        headers: { "content-type": "application/json", accept: "text/event-stream" },
        body,
      },
      {
        onConnect() {},
        onHeaders(status) {
          res.writeHead(status, { "content-type": "text/event-stream", "cache-control": "no-cache" });
          return true;
        },
        onData(chunk) {
          return res.write(chunk) || true;
        },
        onComplete() {
          res.end();
        },
        onError() {
          if (!res.headersSent) res.writeHead(502);
          res.end();
        },
      },
    );
  });
});
server.keepAliveTimeout = 60_000;
server.headersTimeout = 65_000;
server.requestTimeout = 0;
server.listen(0, "127.0.0.1", 4096, () => process.stdout.write(`PORT ${server.address().port}\n`));
process.on("SIGTERM", () => process.exit(0));
