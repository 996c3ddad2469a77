import "server-only";
import { config } from "@/lib/config";
import { asAppError } from "./errors";
import type { CompletionStream } from "./completion-stream";
import type { Completion } from "./core";
import { errorFrame, OpenAiChunkWriter, PING_FRAME, V1_SSE_HEADERS } from "./openai-sse";
import { rateLimitHeaders } from "./rate-limit";
import { ClientAborted } from "./upstream";
import { CORS_HEADERS } from "./v1-paths";

/**
 * A completion as `/v1`'s web Response (route handlers: `next dev`, and hosts that only run Next). The
 * production server writes the same frames straight to the socket instead (node-door.ts).
 */
export function completionResponse(c: Completion): Response {
  // The completion's id is the request's: the one the client already has in the body, and the ledger's reader.
  const limits = c.rateLimit && rateLimitHeaders(c.rateLimit);
  if (!c.stream) {
    return Response.json(c.body, { headers: { ...CORS_HEADERS, "x-request-id": c.body.id, ...limits } });
  }
  return new Response(sseStream(c), { status: 200, headers: { ...V1_SSE_HEADERS, "x-request-id": c.id, ...limits } });
}

const encoder = new TextEncoder();

/** One pull per upstream read; after the first byte every failure is an in-stream error event, never a clean stop. */
function sseStream(c: CompletionStream): ReadableStream<Uint8Array> {
  const writer = new OpenAiChunkWriter(c.id, c.created, c.model, c.includeUsage);
  const keepAliveMs = config().keepAliveMs;
  let keepAlive: NodeJS.Timeout | undefined;
  // performance.now(), not Date.now (which Next wraps): read on every upstream read.
  let lastWrite = performance.now();
  /** True while a pull waits on the upstream: a silence then is the upstream's, not a slow reader's. */
  let awaitingUpstream = false;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        // One timer per stream: a `: ping` comment whenever the upstream has been silent for a while. Not while
        // the reader is behind (no pull asked for): that connection is not idle, only slow.
        keepAlive = setInterval(
          () => {
            if (!awaitingUpstream || performance.now() - lastWrite < keepAliveMs) return;
            lastWrite = performance.now();
            try {
              controller.enqueue(encoder.encode(PING_FRAME));
            } catch {
              clearInterval(keepAlive);
            }
          },
          Math.max(50, Math.floor(keepAliveMs / 2)),
        );
      },
      async pull(controller) {
        try {
          awaitingUpstream = true;
          const events = await c.next();
          awaitingUpstream = false;
          lastWrite = performance.now();
          if (events) controller.enqueue(encoder.encode(writer.write(events)));
          if (!events || events.at(-1)?.type === "done") {
            clearInterval(keepAlive);
            controller.close();
          }
        } catch (err) {
          clearInterval(keepAlive);
          if (err instanceof ClientAborted) {
            try {
              controller.error(err);
            } catch {}
            return;
          }
          controller.enqueue(encoder.encode(errorFrame(asAppError(err))));
          controller.close();
        }
      },
      cancel() {
        clearInterval(keepAlive);
        c.cancel();
      },
    },
    { highWaterMark: 0 },
  );
}
