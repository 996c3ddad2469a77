import "server-only";
const LF = 10;
const CR = 13;

/**
 * Server-sent events framed on the bytes as they arrive: the `data` of each complete event, per the SSE
 * rules (lines end in LF, CRLF or CR; `data:` lines of one event join with LF; comments and other fields
 * are skipped; a leading BOM is dropped). Only the lines are decoded, never a whole chunk re-scanned: a
 * line split across reads waits in `rest` until its end arrives.
 */
export class SseFramer {
  private rest: Buffer | null = null;
  private data: string[] = [];
  private first = true;

  /** Appends the data of every event this chunk completes to `out`. */
  push(chunk: Uint8Array, out: string[]): void {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const buf = this.rest ? Buffer.concat([this.rest, bytes]) : bytes;
    let start = 0;
    for (;;) {
      const lf = buf.indexOf(LF, start);
      const cr = buf.indexOf(CR, start);
      const end = cr !== -1 && (lf === -1 || cr < lf) ? cr : lf;
      if (end === -1) break;
      // A CR at the very end may be the first half of a CRLF: wait for the next byte.
      if (end === cr && end === buf.length - 1) break;
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

  private line(text: string, out: string[]) {
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
