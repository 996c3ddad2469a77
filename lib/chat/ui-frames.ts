import "server-only";
import type { UIMessageChunk } from "ai";
import type { ReplyExtras } from "@/lib/chat/live-replies";

/** A reply's UI message stream as bytes (what `useChat` reads), for live replies and their shared copies. */

export const encoder = new TextEncoder();
const frame = (chunk: UIMessageChunk) => `data: ${JSON.stringify(chunk)}\n\n`;
export const DONE = "data: [DONE]\n\n";

/** Chunks as the text of a UI message stream, with the end marker when `done`. */
export const framesText = (chunks: UIMessageChunk[], done: boolean): string =>
  chunks.map(frame).join("") + (done ? DONE : "");

/** The same as bytes (a web stream's). */
export const encodeFrames = (chunks: UIMessageChunk[], done: boolean): Uint8Array =>
  encoder.encode(framesText(chunks, done));

/**
 * Adjacent text (or reasoning) deltas of one part as one delta: a tab that opens mid-reply gets the text so far in one
 * piece instead of replaying hundreds of tiny updates (each a re-render in the browser).
 */
export function compact(chunks: UIMessageChunk[]): UIMessageChunk[] {
  const out: UIMessageChunk[] = [];
  for (const chunk of chunks) {
    const last = out.at(-1);
    if (
      (chunk.type === "text-delta" || chunk.type === "reasoning-delta") &&
      last?.type === chunk.type &&
      last.id === chunk.id
    ) {
      out[out.length - 1] = { ...last, delta: last.delta + chunk.delta };
    } else {
      out.push(chunk);
    }
  }
  return out;
}

/** What readers of a continued reply see before the new text: the earlier reasoning, sources and text. */
export function earlierChunks(e: ReplyExtras | undefined, base: string): UIMessageChunk[] {
  const out: UIMessageChunk[] = [];
  if (e?.reasoning) {
    out.push(
      { type: "reasoning-start", id: "earlier-reasoning" },
      { type: "reasoning-delta", id: "earlier-reasoning", delta: e.reasoning },
      { type: "reasoning-end", id: "earlier-reasoning" },
    );
    if (e.reasoningMs != null) out.push({ type: "message-metadata", messageMetadata: { reasoningMs: e.reasoningMs } });
  }
  for (const [i, src] of (e?.sources ?? []).entries()) {
    out.push({
      type: "source-url",
      sourceId: `earlier-${i}`,
      url: src.url,
      title: src.title,
      providerMetadata: { glm: { ...src } },
    });
  }
  if (base) {
    out.push(
      { type: "text-start", id: "earlier" },
      { type: "text-delta", id: "earlier", delta: base },
      { type: "text-end", id: "earlier" },
    );
  }
  return out;
}
