/**
 * A streamed response's frames written straight to its socket as HTTP/1.1 chunks (lib/http/node-response.ts
 * writeNow), on a real node:http server: clients read exactly the frames, with the head, across keep-alive
 * requests, for HTTP/1.0 (not chunked: node's own path) and through a full socket ('drain' passed on).
 */
import assert from "node:assert/strict";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import net from "node:net";
import { after, before, test } from "node:test";
import { writeNow } from "@/lib/http/node-response";

let handler: (req: IncomingMessage, res: ServerResponse) => void = () => {};
const server = http.createServer((req, res) => handler(req, res));
let port = 0;
before(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as net.AddressInfo).port;
});
after(() => server.close());

/** Streams `frames` with writeNow, then ends with `last`. */
function streaming(frames: string[], last = "") {
  handler = (_req, res) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    for (const f of frames) assert.equal(writeNow(res, f), true);
    res.end(last);
  };
}

/** A raw exchange: what the client sends, and everything the server sends until it closes or `until` matches. */
function raw(request: string, until?: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => socket.write(request));
    let got = "";
    socket.setEncoding("utf8");
    socket.on("data", (d) => {
      got += d;
      if (until?.test(got)) {
        socket.destroy();
        resolve(got);
      }
    });
    socket.on("end", () => resolve(got));
    socket.on("error", reject);
  });
}

test("frames as HTTP/1.1 chunks sized in bytes (not characters), the head first, the end from res.end", async () => {
  streaming(["data: 一\n\n", "data: two 😀\n\n"], "data: [DONE]\n\n");
  const got = await raw("POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
  const head = got.slice(0, got.indexOf("\r\n\r\n"));
  const body = got.slice(got.indexOf("\r\n\r\n") + 4);
  assert.match(head, /^HTTP\/1\.1 200 OK/);
  assert.match(head, /transfer-encoding: chunked/i);
  const bytes = (s: string) => Buffer.byteLength(s).toString(16);
  assert.equal(
    body,
    `${bytes("data: 一\n\n")}\r\ndata: 一\n\n\r\n${bytes("data: two 😀\n\n")}\r\ndata: two 😀\n\n\r\n` +
      `${bytes("data: [DONE]\n\n")}\r\ndata: [DONE]\n\n\r\n0\r\n\r\n`,
  );
});

test("node's client reads the stream whole, twice over one keep-alive connection", async () => {
  streaming(["a\n", "", "b\n"], "c\n");
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const sockets = new Set<net.Socket>();
  for (let i = 0; i < 2; i++) {
    const body = await new Promise<string>((resolve, reject) => {
      const req = http.request({ port, host: "127.0.0.1", method: "POST", agent }, (res) => {
        sockets.add(res.socket);
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d) => (text += d));
        res.on("end", () => resolve(text));
      });
      req.on("error", reject);
      req.end();
    });
    assert.equal(body, "a\nb\nc\n");
  }
  assert.equal(sockets.size, 1, "the same connection served both");
  agent.destroy();
});

test("an HTTP/1.0 client gets the frames unchunked (node's own path), then the connection closes", async () => {
  streaming(["x\n", "y\n"], "z\n");
  const got = await raw("POST / HTTP/1.0\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
  assert.doesNotMatch(got, /transfer-encoding/i);
  assert.equal(got.slice(got.indexOf("\r\n\r\n") + 4), "x\ny\nz\n");
});

test("a full socket: writeNow says so, the response emits 'drain' when there is room, and nothing is lost", async () => {
  const frame = (i: number) => `data: ${i} ${"x".repeat(64 * 1024)}\n\n`;
  const FRAMES = 64; // 4 MB: more than the kernel's socket buffers hold for a client that is not reading
  let refused = 0;
  let drains = 0;
  handler = (_req, res) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    let i = 0;
    const pump = () => {
      while (i < FRAMES) {
        if (!writeNow(res, frame(i++))) {
          refused++;
          // Without the socket's 'drain' passed on, this stream would stop here for good.
          res.once("drain", () => {
            drains++;
            pump();
          });
          return;
        }
      }
      res.end("end\n");
    };
    pump();
  };
  const socket = net.connect(port, "127.0.0.1", () =>
    socket.write("POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"),
  );
  socket.pause();
  await new Promise((r) => setTimeout(r, 100));
  const chunks: Buffer[] = [];
  socket.on("data", (d: Buffer) => chunks.push(d));
  socket.resume();
  await new Promise((r) => socket.on("end", r));
  const body = Buffer.concat(chunks).toString("utf8");
  assert.ok(refused > 0, "the socket filled while the client was not reading");
  assert.equal(drains, refused, "each refusal was followed by a 'drain'");
  const seen = [...body.matchAll(/data: (\d+) x+\n\n/g)].map((m) => Number(m[1]));
  assert.deepEqual(
    seen,
    Array.from({ length: FRAMES }, (_, i) => i),
    "every frame, in order",
  );
  assert.match(body, /end\n\r\n0\r\n\r\n$/);
});
