import "server-only";
import { Readable } from "node:stream";

/** Past this, an oversized body is not even read to the end: the connection is closed instead. */
const DRAIN_LIMIT = 64 * 1024 * 1024;

export type CappedBody = { ok: true; bytes: Buffer } | { ok: false; closeConnection: boolean };

/**
 * A request body read with a cap, so no single request can fill the heap. Past `max` bytes nothing more is
 * kept, but the body is still read to its end (up to DRAIN_LIMIT) before answering, because a client that is
 * still uploading when the server hangs up sees a broken connection instead of the 413.
 */
export function readBodyCapped(req: Request, max: number): Promise<CappedBody> {
  // Node's web streams are async-iterable; the DOM typings do not say so.
  const body = req.body as unknown as AsyncIterable<Uint8Array> | null;
  return readCapped(body, Number(req.headers.get("content-length") ?? "0"), max);
}

/** The same for any body (a web stream, or node's IncomingMessage) with its declared length. */
export function readCapped(body: AsyncIterable<Uint8Array> | null, declared: number, max: number): Promise<CappedBody> {
  if (declared > DRAIN_LIMIT) return Promise.resolve({ ok: false, closeConnection: true });
  if (!body) return Promise.resolve({ ok: true, bytes: Buffer.alloc(0) });
  // Not through the async function below: one promise less on every /v1 request.
  return body instanceof Readable ? readNodeBody(body, max) : readIterable(body, max);
}

async function readIterable(body: AsyncIterable<Uint8Array>, max: number): Promise<CappedBody> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const value of body) {
    size += value.byteLength;
    if (size > DRAIN_LIMIT) return { ok: false, closeConnection: true };
    if (size <= max) parts.push(value);
  }
  if (size > max) return { ok: false, closeConnection: false };
  return { ok: true, bytes: Buffer.concat(parts) };
}

/**
 * node's IncomingMessage (the node:http doors) read from its events: the same result as the loop above,
 * without an async iterator and a promise per chunk on every /v1 request.
 */
function readNodeBody(body: Readable, max: number): Promise<CappedBody> {
  // Read already (no 'end' would come again): nothing is left of it.
  if (body.readableEnded) return Promise.resolve({ ok: true, bytes: Buffer.alloc(0) });
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    const done = (result: CappedBody | Error) => {
      body.off("data", onData).off("end", onEnd).off("error", done).off("close", onClose);
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > DRAIN_LIMIT) {
        done({ ok: false, closeConnection: true });
        body.destroy();
      } else if (size <= max) parts.push(chunk);
    };
    const onEnd = () =>
      done(size > max ? { ok: false, closeConnection: false } : { ok: true, bytes: Buffer.concat(parts, size) });
    const onClose = () => {
      if (!body.readableEnded) done(new Error("the request was aborted before its body ended"));
    };
    body.on("data", onData).on("end", onEnd).on("error", done).on("close", onClose);
  });
}
