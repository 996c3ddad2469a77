import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { config } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { readCapped } from "@/lib/http/body";
import { ReadBatch, sendJson, startStream } from "@/lib/http/node-response";
import type { CompletionStream } from "./completion-stream";
import { startCompletion } from "./core";
import { isBadPath } from "@/lib/http/path-guard";
import { asAppError, errorHeaders, invalidRequest, openAiError } from "./errors";
import { newRequestId } from "./ids";
import { modelCatalogue } from "@/lib/model-catalogue";
import { modelByPath, modelList } from "./model-objects";
import { errorFrame, OpenAiChunkWriter, PING_FRAME, V1_SSE_HEADERS } from "./openai-sse";
import { rateLimitHeaders } from "./rate-limit";
import { Stop } from "./stop";
import {
  CHAT_PATH,
  CORS_HEADERS,
  canonicalV1Path,
  MODELS_PATH,
  preflightHeaders,
  v1Method,
  wrongRoute,
} from "./v1-paths";
import { ClientAborted } from "./upstream";
import { authenticate, parseJsonBody, trustedCaller } from "./v1-door";

/** The headers of a `/v1` answer that has no completion id of its own (the model list). */
const requestHeaders = () => ({ ...CORS_HEADERS, "x-request-id": newRequestId() });

/**
 * `/v1` on node:http, for the production server (scripts/server.mjs): the same door functions the route
 * handlers call (authenticate, parseJsonBody, startCompletion, the chunk writer), without Next's router,
 * web streams or per-request tracing in between. Frames go to the socket as soon as upstream sends them,
 * with the socket's backpressure respected. `next dev` and route-handler-only hosts use app/v1 instead.
 *
 * Every `/v1` path is answered here, an unknown one or a wrong method with OpenAI's JSON error (v1-paths.ts).
 */
export async function serveV1(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = req.url ?? "";
  const query = url.indexOf("?");
  const sent = query === -1 ? url : url.slice(0, query);
  const method = req.method ?? "GET";
  try {
    if (method === "POST" && sent === CHAT_PATH) return await chatCompletions(req, res);
    // As the proxy (proxy.ts) does for Next: a path that cannot be decoded is the client's mistake, said first.
    if (isBadPath(sent)) throw invalidRequest("The request path is not valid.", null, "invalid_path");
    if (method === "OPTIONS") {
      res.writeHead(204, preflightHeaders(req.headers["access-control-request-headers"]));
      return void res.end();
    }
    const path = canonicalV1Path(sent);
    const get = method === "GET" || method === "HEAD";
    if (method === "POST" && path === CHAT_PATH) {
      await chatCompletions(req, res);
    } else if (get && path === MODELS_PATH) {
      await authenticate(req.headers.authorization);
      sendJson(res, 200, modelList(await modelCatalogue()), requestHeaders());
    } else if (get && v1Method(path) === "GET") {
      await authenticate(req.headers.authorization);
      sendJson(res, 200, modelByPath(path.slice(MODELS_PATH.length + 1), await modelCatalogue()), requestHeaders());
    } else {
      throw wrongRoute(method, sent);
    }
  } catch (err) {
    const e = asAppError(err);
    if (!res.headersSent) sendJson(res, e.status, openAiError(e), errorHeaders(e));
    else res.destroy();
  }
}

async function chatCompletions(req: IncomingMessage, res: ServerResponse) {
  const caller = trustedCaller(req.headers.authorization) ?? (await authenticate(req.headers.authorization));
  const body = await readCapped(req, Number(req.headers["content-length"] ?? 0), config().maxBodyBytes);
  const json = parseJsonBody(body);
  // The client leaving (before or during the stream) ends the upstream call.
  const gone = new Stop();
  res.on("close", () => {
    if (!res.writableFinished) gone.stop(new ClientAborted());
  });
  let completion: Awaited<ReturnType<typeof startCompletion>>;
  try {
    completion = await startCompletion(json, caller, gone);
  } catch (err) {
    if (err instanceof ClientAborted) return void res.destroy();
    throw err;
  }
  // The completion's id is the request's: the one the client already has in the body.
  if (!completion.stream) {
    return sendJson(res, 200, completion.body, {
      ...CORS_HEADERS,
      "x-request-id": completion.body.id,
      ...(completion.rateLimit && rateLimitHeaders(completion.rateLimit)),
    });
  }
  await writeStream(completion, res);
}

/**
 * The frames of each upstream chunk made in the read's own callback (the core's `attach`: no promise per
 * chunk) and written once per network read (`ReadBatch`); the socket's backpressure pauses the upstream
 * read. After the first byte every failure is an in-stream error event. Resolves when the response is over.
 */
function writeStream(c: CompletionStream, res: ServerResponse): Promise<void> {
  // Gone while upstream was answering: its 'close' has been and will not come again.
  if (res.destroyed) return Promise.resolve(c.cancel());
  res.setHeader("x-request-id", c.id);
  if (c.rateLimit)
    for (const [name, value] of Object.entries(rateLimitHeaders(c.rateLimit))) res.setHeader(name, value);
  startStream(res, V1_SSE_HEADERS);
  const writer = new OpenAiChunkWriter(c.id, c.created, c.model, c.includeUsage);
  const batch = new ReadBatch(res);
  const keepAliveMs = config().keepAliveMs;
  // performance.now(), not Date.now (which Next wraps): read on every upstream read.
  let lastWrite = performance.now();
  // One timer per stream: a `: ping` comment whenever the upstream has been silent for a while. Not while the
  // client is behind (its socket full): that connection is not idle, and the silence is its own backpressure.
  const keepAlive = setInterval(
    () => {
      if (batch.behind || performance.now() - lastWrite < keepAliveMs) return;
      lastWrite = performance.now();
      batch.write(PING_FRAME);
    },
    Math.max(50, Math.floor(keepAliveMs / 2)),
  );
  const closed = () => res.destroyed || res.writableEnded;
  return new Promise((resolve) => {
    const over = () => {
      clearInterval(keepAlive);
      res.off("drain", onDrain);
      resolve();
    };
    const onDrain = () => {
      batch.drained();
      c.resume();
    };
    res.on("drain", onDrain);
    res.once("close", () => {
      if (!res.writableFinished) c.cancel();
      over();
    });
    let first = true;
    c.attach({
      events(events) {
        if (closed()) return false;
        lastWrite = performance.now();
        const text = writer.write(events);
        if (events.at(-1)?.type === "done") {
          res.end(batch.take() + text);
          return false;
        }
        if (!first) return batch.write(text);
        first = false;
        return batch.writeFirst(text);
      },
      fail(err) {
        if (closed()) return;
        if (err instanceof ClientAborted) res.destroy();
        else res.end(batch.take() + errorFrame(err instanceof AppError ? err : asAppError(err)));
      },
    });
  });
}
