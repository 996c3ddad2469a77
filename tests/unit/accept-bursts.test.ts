import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import net, { type AddressInfo } from "node:net";
// @ts-expect-error: a plain .mjs file of the production server, without types.
import { acceptBurstsFaster } from "../../scripts/accept-bursts.mjs";

/**
 * scripts/accept-bursts.mjs: under load the server accepts from copies of its listening descriptor; idle, it
 * leaves them paused (one accept per loop turn, as node does); closed, nothing is accepted any more.
 */

/** `n` requests at once on their own connections; every one must be answered. */
async function burst(port: number, n: number) {
  const agent = new http.Agent({ keepAlive: false, maxSockets: n });
  const answers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<string>((resolve, reject) =>
          http
            .get({ host: "127.0.0.1", port, agent }, (res) => {
              let body = "";
              res.on("data", (c) => {
                body += c;
              });
              res.on("end", () => resolve(body));
            })
            .on("error", reject),
        ),
    ),
  );
  agent.destroy();
  assert.deepEqual(new Set(answers), new Set(["answered"]));
}

test("copies accept while many connections are open, pause when few are, and stop with the server", async (t) => {
  // Each answer waits 40 ms, so a burst keeps its connections open together. A socket accepted from a copy must
  // be set up as node:http's own are (half-open for the parser; TCP_NODELAY is set the same way, not readable).
  const halfOpen = new Set<boolean>();
  const server = http.createServer((req, res) => {
    halfOpen.add(req.socket.allowHalfOpen);
    setTimeout(() => res.end("answered"), 40);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const said: string[] = [];
  const copies = acceptBurstsFaster(server, { copies: 4, armAt: 8, log: (m: string) => said.push(m) });
  // A failed assertion must not leave the socket listening (the test file would never end).
  t.after(() => {
    copies.close();
    server.close();
    server.closeAllConnections();
  });
  assert.equal(await copies.ready, 4);

  // Fewer open connections than armAt: the copies stay paused and the server accepts every connection itself.
  await burst(port, 5);
  assert.equal(copies.acceptedByCopies, 0, "a small burst is accepted by the server's own descriptor");

  await burst(port, 120);
  assert.ok(copies.acceptedByCopies > 0, "a big burst is accepted from the copies too");
  assert.ok(said.includes("accepting up to 5 connections a turn"), said.join("; "));
  assert.deepEqual([...halfOpen], [true], "every socket set up as the server's own");

  // Once the burst's connections have closed, the copies are paused again.
  for (let i = 0; i < 50 && said.at(-1) !== "accepting one connection a turn"; i++)
    await new Promise((r) => setTimeout(r, 20));
  assert.equal(said.at(-1), "accepting one connection a turn");
  const before = copies.acceptedByCopies;
  await burst(port, 5);
  assert.equal(copies.acceptedByCopies, before, "paused again after the burst");

  // The copies hold the listening socket open: closing them with the server refuses new connections.
  copies.close();
  await new Promise((resolve) => server.close(resolve));
  const connecting = net.connect(port, "127.0.0.1");
  const outcome = await new Promise((resolve) => {
    connecting.on("error", (e: NodeJS.ErrnoException) => resolve(e.code));
    // A descriptor left open still completes handshakes into an accept queue that nobody reads.
    connecting.on("connect", () => resolve("connected"));
  });
  connecting.destroy();
  assert.equal(outcome, "ECONNREFUSED");
});

test("ACCEPT_COPIES=0 makes no copies", async () => {
  const server = http.createServer((_req, res) => res.end("answered"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const copies = acceptBurstsFaster(server, { copies: 0 });
  assert.equal(await copies.ready, 0);
  await burst((server.address() as AddressInfo).port, 20);
  assert.equal(copies.acceptedByCopies, 0);
  await new Promise((resolve) => server.close(resolve));
});
