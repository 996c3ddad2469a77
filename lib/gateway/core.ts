import { findModel } from "@/lib/models";
import { estimateTokens } from "@/lib/tokens";
import { config } from "@/lib/config";
import { getDb } from "@/db";
import { completeUsage, recordUsage, startUsage, usageProgress } from "@/db/queries/usage";
import { AppError } from "@/lib/errors";
import { asAppError } from "./errors";
import { enforceRateLimits } from "./rate-limit";
import { toUpstreamBody, validateRequest, type ValidRequest } from "./request";
import {
  errorFrame,
  estimateUsage,
  StreamTranslator,
  translateCompletion,
  type ReplySummary,
  type UpstreamPayload,
} from "./translate";
import { ClientAborted, openUpstream, readUpstreamJson, upstreamEventBatches, type UpstreamCall } from "./upstream";

/** Who is asking, through which door. Every request is accounted to them. */
export interface Caller {
  userId: string;
  apiKeyId: string | null;
  source: "api" | "chat";
}

export interface CompletionHooks {
  /** Called once with what the reply said and how it ended (also on stop or failure). */
  onFinish?: (summary: ReplySummary, outcome: { status: number; error?: AppError }) => void;
}

const STATUS_CLIENT_CLOSED = 499;
/** How often a streaming request's ledger row learns the tokens counted so far. */
const PROGRESS_EVERY_MS = 1000;

const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  connection: "keep-alive",
  "x-accel-buffering": "no",
};

/** Upstream model id: UPSTREAM_MODEL_MAP first, then Zhipu's lower-case id. */
function upstreamModelId(req: ValidRequest): string {
  return config().modelMap.get(req.model.id.toLowerCase()) ?? req.model.upstreamId;
}

const promptEstimate = (req: ValidRequest) => estimateTokens(JSON.stringify(req.body.messages));

/**
 * The gateway core both doors share: validate, map the model, call upstream, translate to OpenAI form,
 * account usage. Returns an OpenAI-shaped Response; throws AppError for anything before the first byte.
 */
export async function chatCompletion(
  json: unknown,
  caller: Caller,
  signal: AbortSignal,
  hooks: CompletionHooks = {},
): Promise<Response> {
  const started = Date.now();
  const who = { createdAt: started, userId: caller.userId, apiKeyId: caller.apiKeyId, source: caller.source };
  const db = getDb();

  let req: ValidRequest;
  try {
    await enforceRateLimits(caller);
    req = validateRequest(json);
  } catch (err) {
    const e = asAppError(err);
    const raw = (json as { model?: unknown } | null)?.model;
    // A known model under another spelling ("glm-4-flash") is recorded by its name, so reports group it;
    // anything else keeps what was sent (the recent-requests list shows it), charted as "unknown model".
    const model = typeof raw === "string" ? (findModel(raw)?.id ?? raw.slice(0, 64)) : "unknown";
    await recordUsage(db, {
      ...who,
      model,
      stream: false,
      status: e.status,
      errorCode: e.code,
      durationMs: Date.now() - started,
    });
    throw e;
  }
  // The ledger row exists from the start: a crash mid-request leaves it, with the tokens counted so far.
  const usageId = await startUsage(db, { ...who, model: req.model.id, stream: req.stream, durationMs: 0 });
  const prompt = promptEstimate(req);
  // Not awaited: the reply does not wait for its accounting (on SQLite the write is done when the call returns;
  // on PostgreSQL it lands a round trip later, and a late progress write cannot undo it: see db/queries/usage.ts).
  const ledger = (status: number, summary: ReplySummary | null, ttftMs: number | null, errorCode?: string | null) =>
    void completeUsage(db, {
      id: usageId,
      status,
      errorCode: errorCode ?? null,
      ttftMs,
      durationMs: Date.now() - started,
      promptTokens: summary?.usage?.prompt_tokens ?? (summary ? prompt : 0),
      completionTokens:
        summary?.usage?.completion_tokens ?? (summary ? estimateUsage(0, summary.content).completion_tokens : 0),
    });
  const fail = (err: unknown, summary: ReplySummary | null = null): never => {
    const e = err instanceof ClientAborted ? err : asAppError(err);
    const status = e instanceof AppError ? e.status : STATUS_CLIENT_CLOSED;
    ledger(status, summary, null, e instanceof AppError ? e.code : "client_closed");
    hooks.onFinish?.(summary ?? emptySummary(), { status, error: e instanceof AppError ? e : undefined });
    throw e;
  };

  let call: UpstreamCall;
  try {
    call = await openUpstream(toUpstreamBody(req, upstreamModelId(req)), signal);
  } catch (err) {
    return fail(err);
  }

  if (!req.stream) {
    try {
      const { body, summary } = translateCompletion(await readUpstreamJson(call), req.model.id);
      summary.usage = body.usage;
      ledger(200, summary, Date.now() - started);
      hooks.onFinish?.(summary, { status: 200 });
      return Response.json(body);
    } catch (err) {
      return fail(err);
    }
  }
  const progress = (summary: ReplySummary) =>
    void usageProgress(db, {
      id: usageId,
      promptTokens: summary.usage?.prompt_tokens ?? prompt,
      completionTokens: summary.usage?.completion_tokens ?? estimateUsage(0, summary.content).completion_tokens,
      durationMs: Date.now() - started,
    });
  return streamCompletion(
    req,
    call,
    started,
    progress,
    (status, summary, ttft, error) => {
      ledger(status, summary, ttft, error?.code ?? (status === STATUS_CLIENT_CLOSED ? "client_closed" : null));
      hooks.onFinish?.(summary, { status, error });
    },
    fail,
  );
}

const emptySummary = (): ReplySummary => ({ content: "", toolCalls: [], finishReason: null, usage: null });

type Settle = (status: number, summary: ReplySummary, ttftMs: number | null, error?: AppError) => void;

/**
 * Waits for the first upstream event before answering, so a slow or failing upstream still gets a real
 * HTTP status (504, 429…); after that every failure is an in-stream error event, never a clean stop.
 */
async function streamCompletion(
  req: ValidRequest,
  call: UpstreamCall,
  started: number,
  progress: (summary: ReplySummary) => void,
  settle: Settle,
  fail: (err: unknown, summary?: ReplySummary | null) => never,
): Promise<Response> {
  const translator = new StreamTranslator(req.model.id, req.includeUsage);
  const batches = upstreamEventBatches(call);
  let ttft: number | null = null;
  let progressAt = started;
  /** Frames for one batch of upstream events: one write per upstream read. */
  const translate = (batch: UpstreamPayload[]) => {
    let out = "";
    for (const event of batch) out += translator.push(event);
    if (ttft === null && translator.producedOutput) ttft = Date.now() - started;
    // The ledger learns the tokens so far now and then, not per chunk: a crash loses at most that much.
    if (Date.now() - progressAt >= PROGRESS_EVERY_MS) {
      progressAt = Date.now();
      progress(translator.summary);
    }
    return out;
  };

  let head = "";
  let finished = false;
  try {
    const first = await batches.next();
    finished = !!first.done;
    head = first.done ? translator.end(promptEstimate(req)) : translate(first.value);
  } catch (err) {
    await batches.return(undefined).catch(() => {});
    return fail(err, translator.summary);
  }

  const encoder = new TextEncoder();
  const keepAliveMs = config().keepAliveMs;
  let settled = false;
  let keepAlive: NodeJS.Timeout | undefined;
  let lastWrite = Date.now();
  const settleOnce: Settle = (...args) => {
    clearInterval(keepAlive);
    if (settled) return;
    settled = true;
    settle(...args);
  };
  if (finished) settleOnce(200, translator.summary, ttft);

  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        if (head) controller.enqueue(encoder.encode(head));
        if (finished) return controller.close();
        // One timer per stream: a `: ping` comment whenever the upstream has been silent for a while.
        keepAlive = setInterval(
          () => {
            if (Date.now() - lastWrite < keepAliveMs) return;
            lastWrite = Date.now();
            try {
              controller.enqueue(encoder.encode(": ping\n\n"));
            } catch {
              clearInterval(keepAlive);
            }
          },
          Math.max(50, Math.floor(keepAliveMs / 2)),
        );
      },
      async pull(controller) {
        try {
          // Forward as soon as something is ready: one pull per upstream read, no batching beyond it.
          for (;;) {
            const next = await batches.next();
            if (next.done) {
              controller.enqueue(encoder.encode(translator.end(promptEstimate(req))));
              controller.close();
              settleOnce(200, translator.summary, ttft);
              return;
            }
            const out = translate(next.value);
            if (out) {
              lastWrite = Date.now();
              controller.enqueue(encoder.encode(out));
              return;
            }
          }
        } catch (err) {
          if (err instanceof ClientAborted) {
            settleOnce(STATUS_CLIENT_CLOSED, translator.summary, ttft);
            try {
              controller.error(err);
            } catch {}
            return;
          }
          const e = asAppError(err);
          controller.enqueue(encoder.encode(errorFrame(e)));
          controller.close();
          settleOnce(e.status, translator.summary, ttft, e);
        }
      },
      async cancel() {
        call.abort(new ClientAborted());
        settleOnce(STATUS_CLIENT_CLOSED, translator.summary, ttft);
        await batches.return(undefined).catch(() => {});
      },
    },
    { highWaterMark: 0 },
  );

  return new Response(stream, { status: 200, headers: SSE_HEADERS });
}
