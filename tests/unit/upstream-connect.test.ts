import assert from "node:assert/strict";
import dc from "node:diagnostics_channel";
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { after, before, test } from "node:test";
import { Stop } from "@/lib/gateway/stop";

/** The upstream pool's connections (lib/gateway/upstream-connect.ts) against a real node:http server. */

let postUpstream: typeof import("@/lib/gateway/upstream-http").postUpstream;
let text: typeof import("@/lib/gateway/upstream-http").readText;
let idleCheckSkipped: typeof import("@/lib/gateway/upstream-connect").idleCheckSkipped;
let server: http.Server;
let base = "";
let connections = 0;
let attempts = 0;
/** The server's side of the last request's connection (to write to it unasked). */
let lastSocket: Socket | undefined;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  ({ postUpstream, readText: text } = await import("@/lib/gateway/upstream-http"));
  ({ idleCheckSkipped } = await import("@/lib/gateway/upstream-connect"));
  const served = new WeakMap<Socket, number>();
  server = http.createServer((req, res) => {
    lastSocket = req.socket;
    const before = served.get(req.socket) ?? 0;
    served.set(req.socket, before + 1);
    if (req.url === "/always-closed") {
      attempts++;
      return void req.socket.destroy();
    }
    // As a server past its idle timeout: the connection closes as a request arrives on it.
    if (req.url === "/closed-if-kept" && before > 0) return void req.socket.destroy();
    res.end(`answer to ${req.url}`);
  });
  server.on("connection", () => connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

const post = (path: string) => postUpstream(`${base}${path}`, {}, "{}", new Stop());

test("a request on a kept upstream connection is written at once, not after a turn of the event loop", async () => {
  assert.equal(await text(await post("/first")), "answer to /first");
  await sleep(20); // the connection is idle, back in the pool
  const opened = connections;
  const sent: { duringCall: boolean; skipped: boolean }[] = [];
  let calling = false;
  const onSend = (m: unknown) =>
    sent.push({ duringCall: calling, skipped: idleCheckSkipped((m as { socket: Socket }).socket) });
  dc.subscribe("undici:client:sendHeaders", onSend);
  try {
    calling = true;
    const second = post("/second");
    calling = false;
    assert.equal(await text(await second), "answer to /second");
  } finally {
    dc.unsubscribe("undici:client:sendHeaders", onSend);
  }
  assert.equal(connections, opened, "the kept connection was used");
  // undici's idle check would write it from the check phase instead (tests the symbol it is switched off by).
  assert.deepEqual(sent, [{ duringCall: true, skipped: true }]);
});

test("a response the server sends unasked on an idle connection is not taken for the next request's", async () => {
  assert.equal(await text(await post("/before")), "answer to /before");
  lastSocket!.write("HTTP/1.1 200 OK\r\nContent-Length: 8\r\nConnection: keep-alive\r\n\r\npoisoned");
  await sleep(50); // read while idle: undici drops the connection
  assert.equal(await text(await post("/after")), "answer to /after");
});

test("a kept connection closed as the request goes out: the request is sent again on another connection", async () => {
  assert.equal(await text(await post("/warm")), "answer to /warm");
  const opened = connections;
  assert.equal(await text(await post("/closed-if-kept")), "answer to /closed-if-kept");
  assert.equal(connections, opened + 1, "answered on a new connection");
});

test("a server that closes every connection as the request arrives is tried twice, then the failure is the caller's", async () => {
  attempts = 0;
  await assert.rejects(post("/always-closed"), (err: { code?: string }) => err.code === "UND_ERR_SOCKET");
  assert.equal(attempts, 2);
});
