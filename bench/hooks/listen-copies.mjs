/**
 * An experiment, not the product: the app server accepting up to LISTEN_COPIES + 1 connections per event-loop
 * turn instead of one. `npm run bench:tail -- .next-bench-doors .next-bench-doors,--import=./bench/hooks/listen-copies.mjs,LISTEN_COPIES=31`
 *
 * libuv (node 20) accepts one connection per turn of the loop, so a burst of new connections waits for as many
 * turns as it has connections. Node 20 has no SO_REUSEPORT (`reusePort` is node 22.12's), so the copies are
 * duplicates of the one listening descriptor, made by passing it to a helper process and back (SCM_RIGHTS
 * through node's IPC); each is polled and accepted from on its own, and its connections go to the HTTP server.
 * Loaded with --import into the app server; run as a script, it is the helper.
 */
import { fork } from "node:child_process";
import http from "node:http";
import net from "node:net";
import { fileURLToPath } from "node:url";

const self = fileURLToPath(import.meta.url);

if (process.argv[1] === self) {
  // The helper: hands each raw listening handle it is given back (a new descriptor each way), never polling it.
  process.on("message", (msg, handle) => {
    if (msg === "copy" && handle) process.send("copy", handle, () => handle.close());
    else if (msg === "done") process.exit(0);
  });
} else {
  const copies = Number(process.env.LISTEN_COPIES ?? 7);
  const listen = net.Server.prototype.listen;
  net.Server.prototype.listen = function (...args) {
    if (this instanceof http.Server && !this.listenCopies) {
      this.listenCopies = [];
      this.once("listening", () => {
        const helper = fork(self, [], { stdio: ["ignore", "ignore", "inherit", "ipc"] });
        helper.on("message", (msg, handle) => {
          if (msg !== "copy" || !handle) return;
          const copy = net.createServer();
          copy.on("connection", (socket) => this.emit("connection", socket));
          copy.listen(handle);
          this.listenCopies.push(copy);
          if (this.listenCopies.length === copies) {
            helper.send("done");
            console.log(`listen-copies: ${copies} more descriptors for the listening socket`);
          }
        });
        for (let i = 0; i < copies; i++) helper.send("copy", this._handle, { keepOpen: true });
      });
      this.once("close", () => {
        for (const copy of this.listenCopies) copy.close();
      });
    }
    return listen.apply(this, args);
  };
}
