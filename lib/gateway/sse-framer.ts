import "server-only";
const LF = 10;
const CR = 13;
const DATA_PREFIX = Buffer.from("data: ");

/** Where events go as they are completed (an array will do). */
export interface EventSink<T> {
  push(data: string | T): unknown;
}

/** Reads an event's data from its bytes (`buf[from, to)`), or returns null to have it decoded as text. */
export type EventBytesReader<T> = (buf: Buffer, from: number, to: number) => T | null;

/**
 * Server-sent events framed on the bytes as they arrive: the `data` of each complete event, per the SSE
 * rules (lines end in LF, CRLF or CR; `data:` lines of one event join with LF; comments and other fields
 * are skipped; a leading BOM is dropped). Only the lines are decoded, never a whole chunk re-scanned: a
 * line split across reads waits in `rest` until its end arrives.
 */
export class SseFramer<T = never> {
  private rest: Buffer | null = null;
  private data: string[] = [];
  private first = true;

  /**
   * `readBytes`: tried first on an event that is one `data: ` line ending in LF with its blank line right
   * behind it (as upstreams write them), so that its data need not be decoded (./plain-text-chunks.ts).
   */
  constructor(private readonly readBytes?: EventBytesReader<T>) {}

  /** Appends the data of every event this chunk completes to `out` (or what `readBytes` made of it). */
  push(chunk: Uint8Array, out: EventSink<T>): void {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const buf = this.rest ? Buffer.concat([this.rest, bytes]) : bytes;
    let start = 0;
    // Where the next CR is (-1: none left in this buffer), searched again only once passed: upstreams end
    // lines in LF, and a search per line for a CR that is not there scanned the rest of the read each time.
    let cr = buf.indexOf(CR);
    for (;;) {
      const lf = buf.indexOf(LF, start);
      if (cr !== -1 && cr < start) cr = buf.indexOf(CR, start);
      const end = cr !== -1 && (lf === -1 || cr < lf) ? cr : lf;
      if (end === -1) break;
      // A CR at the very end may be the first half of a CRLF: wait for the next byte.
      if (end === cr && end === buf.length - 1) break;
      if (this.readBytes && end === lf && buf[end + 1] === LF && !this.data.length && !this.first) {
        const from = start + DATA_PREFIX.length;
        const read = from < end && DATA_PREFIX.compare(buf, start, from) === 0 ? this.readBytes(buf, from, end) : null;
        if (read !== null) {
          out.push(read);
          start = end + 2;
          continue;
        }
      }
      this.line(buf.toString("utf8", start, end), out);
      start = end === cr && buf[end + 1] === LF ? end + 2 : end + 1;
    }
    this.rest = start < buf.length ? Buffer.from(buf.subarray(start)) : null;
  }

  /** The end of the body: a last event not followed by a blank line is dropped, as EventSource does. */
  end(): void {
    this.rest = null;
    this.data = [];
  }

  private line(text: string, out: EventSink<T>) {
    if (this.first) {
      this.first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (text === "") {
      if (this.data.length) {
        out.push(this.data.length === 1 ? this.data[0] : this.data.join("\n"));
        this.data = [];
      }
      return;
    }
    if (text.startsWith("data")) {
      if (text.length === 4) this.data.push("");
      else if (text.charCodeAt(4) === 58 /* : */)
        this.data.push(text.charCodeAt(5) === 32 ? text.slice(6) : text.slice(5));
    }
    // Comments (`:`), `event:`, `id:`, `retry:` and unknown fields carry nothing the gateway reads.
  }
}
