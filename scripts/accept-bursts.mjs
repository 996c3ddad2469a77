/**
 * Accepting a burst of new connections faster once the server is busy (scripts/server.mjs).
 *
 * Why: libuv in node 20 accepts one connection per event-loop turn (libuv#3696). Idle, a turn is short and that
 * is fine; with a few hundred live streams a turn takes 50–120 ms here, so when many clients connect at once
 * the last of them wait in the kernel's accept queue for hundreds of turns — seconds, for a request the server
 * could have started at once (bench/results/doors-notes.md: /v1's p99 time to first token at 256 streams).
 * Node 22.12's `reusePort` would give several listening descriptors; node 20 has none, so the copies are
 * duplicates of the one listening descriptor, made by handing it to a short-lived helper process and back
 * (SCM_RIGHTS through node's IPC; the helper is this file run as a script). Each copy is polled on its own,
 * so one turn accepts up to COPIES + 1 connections, and every connection goes to the same HTTP server.
 *
 * Why only when busy: accepted together, a small burst's requests start in the same turn and queue behind
 * each other's work, where one accept per turn spreads them out (the sixteenth session measured the median
 * time to first token at 32 streams rising from 1.3 to 1.7–2.3 ms with copies always on). So the copies are
 * polled only while the server holds at least ARM_AT open connections, and paused below half of that.
 *
 * Pausing uses the copy handles' readStart/readStop: on a listening handle they start and stop the very poll
 * that accepts (libuv's uv_read_start/uv_read_stop on the server's watcher). If they are missing, or making
 * the copies fails, the server simply keeps accepting one connection per turn.
 */
import { fork } from "node:child_process";
import net from "node:net";
import { fileURLToPath } from "node:url";

const self = fileURLToPath(import.meta.url);

/** 31 copies accepted a 256-connection burst best in the sixteenth session's runs (3, 7, 31 and 63 tried). */
const COPIES = 31;
/** Open connections from which the copies are polled. A burst of 32 on an idle server stays one per turn. */
export const ARM_AT = 96;

if (process.argv[1] === self) {
  // The helper: sends each listening handle it is given straight back (a new descriptor each way), then exits.
  process.on("message", (msg, handle) => {
    if (msg === "copy" && handle) process.send("copy", handle, () => handle.close());
    else if (msg === "done") process.exit(0);
  });
}

/**
 * Gives a listening `server` COPIES more descriptors for its socket, polled while it has ARM_AT or more open
 * connections. `copies` = 0 turns it off (ACCEPT_COPIES=0). Returns `ready` (the number of copies, once made
 * or given up), `close()` (the copies hold the socket open: close them with the server) and `acceptedByCopies`.
 */
export function acceptBurstsFaster(server, { copies = COPIES, armAt = ARM_AT, log = () => {} } = {}) {
  const made = [];
  let open = 0;
  let armed = false;
  let closed = false;
  const control = {
    ready: Promise.resolve(0),
    acceptedByCopies: 0,
    close() {
      closed = true;
      for (const copy of made.splice(0)) copy.close();
    },
  };
  if (!copies || !server._handle) return control;
  const setArmed = (on) => {
    armed = on;
    for (const copy of made) on ? copy._handle?.readStart() : copy._handle?.readStop();
    log(on ? `accepting up to ${made.length + 1} connections a turn` : "accepting one connection a turn");
  };
  server.on("connection", (socket) => {
    open++;
    if (!armed && made.length && open >= armAt) setArmed(true);
    socket.once("close", () => {
      open--;
      if (armed && open < armAt / 2) setArmed(false);
    });
  });

  control.ready = new Promise((resolve) => {
    let helper;
    let timer;
    const giveUp = (why) => {
      clearTimeout(timer);
      log(`no extra listening descriptors (${why}); accepting one connection a turn`);
      helper?.kill();
      resolve(made.length);
    };
    try {
      helper = fork(self, [], { stdio: ["ignore", "ignore", "inherit", "ipc"] });
    } catch (e) {
      return giveUp(e.message);
    }
    timer = setTimeout(() => giveUp("the helper did not answer"), 10_000);
    helper.on("error", (e) => giveUp(e.message));
    helper.on("message", (msg, handle) => {
      if (msg !== "copy" || !handle) return;
      // Its sockets as the server's own would be: node:http's server turns on TCP_NODELAY (else Nagle holds a
      // stream's small frames back for the client's delayed ACKs) and lets the HTTP parser handle a half-close.
      const copy = net.createServer({
        allowHalfOpen: server.allowHalfOpen,
        noDelay: server.noDelay,
        keepAlive: server.keepAlive,
        keepAliveInitialDelay: server.keepAliveInitialDelay * 1000,
        highWaterMark: server.highWaterMark,
      });
      // An accept that fails (EMFILE…) or a listen refused must not crash the server over an optimisation: a
      // copy that never listens leaves the rest to the timer above; the server's own descriptor still accepts.
      // Said whether or not ACCEPT_LOG is set: an operator should hear of it (a full descriptor table, say).
      copy.on("error", (e) => console.error(`glm-chat: a listening copy failed: ${e.message}`));
      // Its connections are the server's own: same handler, same counting (a listener on `connection`).
      copy.on("connection", (socket) => {
        control.acceptedByCopies++;
        server.emit("connection", socket);
      });
      copy.listen(handle, () => {
        // listen() starts polling it; paused until the server is busy. readStart first: libuv's uv_read_stop
        // does nothing on a handle that is not marked as reading.
        if (closed || typeof copy._handle?.readStart !== "function") {
          copy.close();
          return giveUp(closed ? "the server closed" : "this node cannot pause them");
        }
        copy._handle.readStart();
        if (!armed) copy._handle.readStop();
        made.push(copy);
        if (made.length < copies) return;
        clearTimeout(timer);
        helper.send("done");
        resolve(made.length);
      });
    });
    for (let i = 0; i < copies; i++) helper.send("copy", server._handle, { keepOpen: true });
  });
  return control;
}
