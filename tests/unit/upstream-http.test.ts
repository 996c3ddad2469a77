import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { Stop } from "@/lib/gateway/stop";
import type { BodyReader, UpstreamResponse } from "@/lib/gateway/upstream-http";

/** The upstream client (undici's pool, bodies pushed to one reader) against a real node:http server. */

let postUpstream: typeof import("@/lib/gateway/upstream-http").postUpstream;
let server: http.Server;
let base = "";
/** Set by a route when its response closes: whether it had finished. */
const closed = new Map<string, Promise<boolean>>();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  ({ postUpstream } = await import("@/lib/gateway/upstream-http"));
  server = http.createServer((req, res) => {
    closed.set(req.url!, new Promise((resolve) => res.on("close", () => resolve(res.writableFinished))));
    if (req.url === "/at-once") {
      res.writeHead(200, { "x-twice": ["a", "b"], "Content-Type": "text/event-stream" });
      res.write("one ");
      res.write("two ");
      return res.end("three");
    }
    if (req.url === "/ticking") {
      res.writeHead(200);
      let n = 0;
      const timer = setInterval(() => {
        res.write(`${n++} `);
        if (n === 8) {
          clearInterval(timer);
          res.end();
        }
      }, 15);
      return res.on("close", () => clearInterval(timer));
    }
    if (req.url === "/forever") {
      res.writeHead(200);
      return res.write("start ");
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

const post = (path: string, stop = new Stop()) => postUpstream(`${base}${path}`, {}, "{}", stop);

/** Reads a body to its end: its text, the moments chunks came, and how it ended. */
function readAll(res: UpstreamResponse, onData?: (text: string, reader: { pause(): void; resume(): void }) => void) {
  let text = "";
  const at: number[] = [];
  return new Promise<{ text: string; at: number[]; error?: unknown }>((resolve) => {
    const reader: BodyReader = {
      data(chunk) {
        text += chunk.toString();
        at.push(Date.now());
        onData?.(text, res.body);
      },
      end: () => resolve({ text, at }),
      error: (error) => resolve({ text, at, error }),
    };
    res.body.read(reader);
  });
}

test("a body that came before anyone read it is kept, in order, and delivered after read() returns", async () => {
  const res = await post("/at-once");
  assert.equal(res.status, 200);
  assert.equal(res.header("content-type"), "text/event-stream");
  assert.equal(res.header("X-Twice"), "a, b");
  assert.equal(res.header("x-not-sent"), null);
  await sleep(50); // the whole response has arrived
  let returned = false;
  const reading = readAll(res, () => assert.ok(returned, "a chunk was delivered inside read()"));
  returned = true;
  const { text, error } = await reading;
  assert.equal(error, undefined);
  assert.equal(text, "one two three");
});

test("a paused body delivers nothing until it is resumed, then the rest", async () => {
  const res = await post("/ticking");
  let pausedAt = 0;
  const reading = readAll(res, (_text, body) => {
    if (!pausedAt) {
      pausedAt = Date.now();
      body.pause();
      setTimeout(() => body.resume(), 150);
    }
  });
  const { text, at, error } = await reading;
  assert.equal(error, undefined);
  assert.equal(text, "0 1 2 3 4 5 6 7 ");
  assert.ok(at[1] - pausedAt >= 140, `the second chunk came ${at[1] - pausedAt} ms after the pause`);
});

test("a stop mid-body ends the upstream request and errors the reader", async () => {
  const stop = new Stop();
  const res = await post("/forever", stop);
  const reading = readAll(res, () => stop.stop(new Error("client gone")));
  const { text, error } = await reading;
  assert.equal(text, "start ");
  assert.ok(error instanceof Error);
  assert.equal(await closed.get("/forever"), false, "the upstream saw its response cut off");
});

test("a stop before the request goes out rejects it; a refused connection rejects with the cause", async () => {
  const stopped = new Stop();
  stopped.stop(new Error("gone"));
  await assert.rejects(post("/at-once", stopped), /aborted/);
  const refused = http.createServer();
  await new Promise<void>((resolve) => refused.listen(0, "127.0.0.1", resolve));
  const { port } = refused.address() as AddressInfo;
  await new Promise((resolve) => refused.close(resolve));
  await assert.rejects(postUpstream(`http://127.0.0.1:${port}/x`, {}, "{}", new Stop()), /ECONNREFUSED/);
});

test("after the response is over, a stop touches nothing (the connection is back in the pool)", async () => {
  const stop = new Stop();
  const res = await post("/at-once", stop);
  assert.equal((await readAll(res)).text, "one two three");
  stop.stop(new Error("late"));
  assert.equal(await closed.get("/at-once"), true);
  assert.equal((await readAll(await post("/at-once"))).text, "one two three");
});
