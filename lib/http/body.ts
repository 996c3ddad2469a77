import "server-only";

/** Past this, an oversized body is not even read to the end: the connection is closed instead. */
const DRAIN_LIMIT = 64 * 1024 * 1024;

export type CappedBody = { ok: true; bytes: Buffer } | { ok: false; closeConnection: boolean };

/**
 * A request body read with a cap, so no single request can fill the heap. Past `max` bytes nothing more is
 * kept, but the body is still read to its end (up to DRAIN_LIMIT) before answering, because a client that is
 * still uploading when the server hangs up sees a broken connection instead of the 413.
 */
export async function readBodyCapped(req: Request, max: number): Promise<CappedBody> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > DRAIN_LIMIT) return { ok: false, closeConnection: true };
  if (!req.body) return { ok: true, bytes: Buffer.alloc(0) };
  const reader = req.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > DRAIN_LIMIT) {
      await reader.cancel().catch(() => {});
      return { ok: false, closeConnection: true };
    }
    if (size <= max) parts.push(value);
  }
  if (size > max) return { ok: false, closeConnection: false };
  return { ok: true, bytes: Buffer.concat(parts) };
}
