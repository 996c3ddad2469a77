import "server-only";
import type { ServerResponse } from "node:http";
import SECURITY_HEADERS from "./security-headers.json";

/** Small pieces the node:http doors (lib/http/node-doors.ts) share. */

/** A JSON response with the headers every response of the app gets (next.config.mjs has the same list). */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/**
 * Starts a streamed response: status 200, the security headers and `headers`. They leave with the first frame,
 * which both doors write at once (a separate write for the headers was one more syscall per stream).
 */
export function startStream(res: ServerResponse, headers: Record<string, string>) {
  let all = merged.get(headers);
  if (!all) merged.set(headers, (all = { ...SECURITY_HEADERS, ...headers }));
  res.writeHead(200, all);
}

/** Each door's stream headers with the security headers, merged once (not per response). */
const merged = new WeakMap<Record<string, string>, Record<string, string>>();

/**
 * Writes a frame of a streamed response now, in one system call, for a caller that already gathers what one
 * network read brought (the chat's live reply, `ReadBatch`). Returns false when the socket is full: the
 * response then emits 'drain' once it has room.
 *
 * The frame goes to the socket as one HTTP/1.1 chunk (size line, frame, CRLF: one string, one write). Through
 * `res.write`, node frames a chunk as four socket writes (size, CRLF, frame, CRLF), each a buffered-write
 * object, gathered by corking into a writev array (and left to itself it corks until the next tick): about
 * 1.2 KB of garbage per frame, a fifth of what a /v1 stream allocates. Node's own `res.write` still takes
 * every case this does not know: no socket of its own yet (a pipelined request), a response that is not
 * chunked (HTTP/1.0), a socket corked by someone else, a HEAD request, or a response already ended.
 */
export function writeNow(res: ServerResponse, frame: string): boolean {
  const socket = res.socket;
  const r = res as NodeResponseState;
  if (!socket || !r.chunkedEncoding || typeof r._headerSent !== "boolean" || socket.writableCorked) {
    return writeThroughNode(res, frame);
  }
  if (res.writableEnded || res.req?.method === "HEAD") return writeThroughNode(res, frame);
  const size = Buffer.byteLength(frame);
  if (size === 0) return true;
  const chunk = `${size.toString(16)}\r\n${frame}\r\n`;
  let more: boolean;
  if (r._headerSent) more = socket.write(chunk);
  else {
    // The head leaves with the first frame: node writes it into the corked socket, then the chunk follows.
    socket.cork();
    res.flushHeaders();
    more = socket.write(chunk);
    socket.uncork();
  }
  if (!more) relayDrain(res, socket);
  return more;
}

/**
 * Node's own state of a response (OutgoingMessage, node 20): whether the body is chunked, decided when the head is
 * made (`writeHead`: unless a length is set or the client speaks HTTP/1.0), and whether the head has gone to the
 * socket (`headersSent` is true as soon as it is made). Without them (another node), node's path is taken.
 */
type NodeResponseState = ServerResponse & { chunkedEncoding?: boolean; _headerSent?: boolean };

/** `res.write`, corked so that its four writes leave in one system call now rather than on the next tick. */
function writeThroughNode(res: ServerResponse, frame: string): boolean {
  const socket = res.socket;
  if (!socket || socket.writableCorked) return res.write(frame);
  socket.cork();
  const more = res.write(frame);
  socket.uncork();
  return more;
}

const awaitingDrain = new WeakSet<ServerResponse>();

/** Node emits a response's 'drain' only after its own `res.write` was refused: for a direct write, the socket's is passed on. */
function relayDrain(res: ServerResponse, socket: NonNullable<ServerResponse["socket"]>) {
  if (awaitingDrain.has(res)) return;
  awaitingDrain.add(res);
  socket.once("drain", () => {
    awaitingDrain.delete(res);
    if (!res.writableEnded) res.emit("drain");
  });
}

/**
 * The frames made during one turn of the event loop, written together at its end: an upstream read can carry
 * several HTTP chunks, each handed over on its own, and written one by one they were a system call each (at 256
 * streams /v1 made 19 writes per stream against the pass-through's 10). Node's own corking does the same but
 * stops taking frames at 16 KB buffered, which paused a fast stream every 16 KB.
 *
 * Every batch with frames is written by one `setImmediate` per turn (after the turn's reads), not by a microtask
 * of its own per read: with Next's AsyncLocalStorage instances on, each microtask was an async resource made and
 * entered (~15 per /v1 stream), and a stream with two reads in one turn now makes one write.
 */
export class ReadBatch {
  private pending = "";
  private scheduled = false;
  private full = false;

  constructor(private readonly res: ServerResponse) {}

  /**
   * True from a write the socket refused until `drained`: the client is behind. (The response's own
   * `writableNeedDrain` does not know: frames go to the socket directly, see `writeNow`.)
   */
  get behind(): boolean {
    return this.full;
  }

  /** Adds a frame; false once the socket is full (wait for 'drain', then `drained`). */
  write(frame: string): boolean {
    this.pending += frame;
    if (!this.scheduled) {
      this.scheduled = true;
      due.push(this);
      if (due.length === 1) setImmediate(writeDue);
    }
    return !this.full;
  }

  /**
   * A stream's first frames (they carry the response's head): written at once, not at the turn's end. Under load
   * a turn handles many reads, and a first token should not wait for all of them. Batched as `write` when
   * anything is already gathered.
   */
  writeFirst(frame: string): boolean {
    if (this.scheduled) return this.write(frame);
    this.send(frame);
    return !this.full;
  }

  /** What is gathered and not yet written, taken out (for the response's last write). */
  take(): string {
    const text = this.pending;
    this.pending = "";
    return text;
  }

  drained() {
    this.full = false;
  }

  /** @internal The turn's end: writes what was gathered. */
  flush() {
    this.scheduled = false;
    this.send(this.take());
  }

  private send(text: string) {
    const res = this.res;
    if (!text || res.destroyed || res.writableEnded) return;
    try {
      if (!writeNow(res, text)) this.full = true;
    } catch (err) {
      // Nothing above would catch it at the turn's end: a write that cannot be made ends this response only.
      console.error("[http] a streamed write failed", err);
      res.destroy();
    }
  }
}

/** The batches with frames gathered this turn, in the order they got their first. */
let due: ReadBatch[] = [];

function writeDue() {
  const batches = due;
  due = [];
  for (const batch of batches) batch.flush();
}
