import "server-only";

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
export async function readCapped(
  body: AsyncIterable<Uint8Array> | null,
  declared: number,
  max: number,
): Promise<CappedBody> {
  if (declared > DRAIN_LIMIT) return { ok: false, closeConnection: true };
  if (!body) return { ok: true, bytes: Buffer.alloc(0) };
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
