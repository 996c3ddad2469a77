import "server-only";
import { randomUUID } from "node:crypto";
import { completionBody, simulateReply, streamChunks, type SimRequest } from "./simulator";

/** Pause between streamed words, so the demo looks and behaves like a model typing. */
const WORD_DELAY_MS = 25;

/** Waits, or rejects when the signal aborts; the abort listener goes once the wait is over (one per word). */
const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal.reason);
    };
    const t = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });

/**
 * The built-in demo upstream: a fetch-shaped function answering in-process in Zhipu's wire format, so a
 * first run without UPSTREAM_API_KEY works end to end through the same client, translation and ledger.
 */
export async function demoFetch(_url: string, init: RequestInit): Promise<Response> {
  const req = JSON.parse(String(init.body)) as SimRequest;
  const signal = init.signal ?? new AbortController().signal;
  const reply = simulateReply(req);
  const id = randomUUID();
  if (!req.stream) return Response.json(completionBody(req, reply, id));

  const encoder = new TextEncoder();
  const chunks = streamChunks(req, reply, id);
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = chunks.next();
      if (next.done) {
        controller.enqueue(encoder.encode("data: [DONE]\n\n"));
        controller.close();
        return;
      }
      try {
        await sleep(WORD_DELAY_MS, signal);
      } catch (err) {
        controller.error(err);
        return;
      }
      controller.enqueue(encoder.encode(`data: ${JSON.stringify(next.value)}\n\n`));
    },
  });
  return new Response(body, { headers: { "content-type": "text/event-stream" } });
}
