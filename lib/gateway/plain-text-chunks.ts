import "server-only";
import type { UpstreamPayload } from "./translate";

/**
 * Plain text chunks read from their bytes, without decoding or parsing the whole event. Most of a stream is
 * chunks that only add text, and within one stream they differ only in that text: Zhipu repeats the id,
 * creation time, model and role in every chunk. Once one such chunk has been parsed, a following event
 * whose bytes are exactly its head (up to `"content":"`) and its tail (from the closing quote on), with
 * nothing between that JSON would escape, says the same with other text: its text is those bytes, decoded.
 * Anything else (usage, a finish, tool calls, reasoning, an escaped character) is parsed as before.
 *
 * JSON.parse of each chunk was ~0.12 of a pass-through stream's CPU in the server (a build without it, loaded
 * at the same moment: twelfth session's notes); this is a byte comparison and a short decode. With it, a /v1
 * stream cost 0.92× and 1/1.04× what it did (both builds loaded at once, the two orders).
 */
export class PlainText {
  constructor(readonly text: string) {}
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

const CONTENT_KEY = '"content":"';
/** Shapes learned with no chunk read by them in between: past this, a stream's chunks do not repeat (stop learning). */
const MAX_UNUSED_SHAPES = 3;

export class PlainTextShape {
  private head: Buffer | null = null;
  private tail: Buffer | null = null;
  private unused = 0;

  /** The text of the event `buf[from, to)` if it has the learned shape, else null (parse it). */
  read(buf: Buffer, from: number, to: number): PlainText | null {
    const head = this.head;
    const tail = this.tail;
    if (!head || !tail) return null;
    const start = from + head.length;
    const end = to - tail.length;
    if (end <= start) return null;
    if (head.compare(buf, from, start) !== 0 || tail.compare(buf, end, to) !== 0) return null;
    for (let i = start; i < end; i++) {
      const b = buf[i];
      // A quote or backslash means escapes (or another structure); a control character is not valid JSON.
      if (b === QUOTE || b === BACKSLASH || b < 0x20) return null;
    }
    this.unused = 0;
    return new PlainText(buf.toString("utf8", start, end));
  }

  /** After an event was parsed: if it is a plain text chunk written without escapes, its shape is kept. */
  learn(data: string, payload: UpstreamPayload): void {
    if (this.unused >= MAX_UNUSED_SHAPES || typeof payload !== "object" || !payload) return;
    const choices = payload.choices;
    if (payload.error || payload.usage || payload.web_search || choices?.length !== 1) return;
    const { delta, finish_reason: finish } = choices[0];
    const text = delta?.content;
    if (finish || typeof text !== "string" || !text || delta.reasoning_content || delta.tool_calls) return;
    // As the upstream wrote it: a text JSON would escape (or that the upstream escaped) is not a shape.
    const at = data.lastIndexOf(`${CONTENT_KEY}${text}"`);
    if (at === -1 || JSON.stringify(text).length !== text.length + 2) return;
    const headEnd = at + CONTENT_KEY.length;
    this.head = Buffer.from(data.slice(0, headEnd));
    this.tail = Buffer.from(data.slice(headEnd + text.length));
    this.unused++;
  }
}
