import "server-only";
import { modelCatalogue } from "@/lib/model-catalogue";
import { estimateTokens } from "@/lib/tokens";
import { config } from "@/lib/config";
import { getDb } from "@/db";
import { completeUsage, recordUsage, startUsage, usageProgress } from "@/db/queries/usage";
import { AppError } from "@/lib/errors";
import { asAppError } from "./errors";
import { enforceRateLimits } from "./rate-limit";
import { toUpstreamBody, validateRequest, type ValidRequest } from "./request";
import { type CompletionEvent, EventTranslator } from "./events";
import { emptySummary, estimateUsage, translateCompletion, type ReplySummary } from "./translate";
import { ClientAborted, openUpstream, readUpstreamJson, type UpstreamCall } from "./upstream";
import { pumpUpstreamEvents } from "./upstream-pump";

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

export const STATUS_CLIENT_CLOSED = 499;
/** How often a streaming request's ledger row learns the tokens counted so far. */
const PROGRESS_EVERY_MS = 1000;

/** Upstream model id: UPSTREAM_MODEL_MAP first, then Zhipu's lower-case id. */
function upstreamModelId(req: ValidRequest): string {
  return config().modelMap.get(req.model.id.toLowerCase()) ?? req.model.upstreamId;
}

const promptEstimate = (req: ValidRequest) => estimateTokens(JSON.stringify(req.body.messages));

/** A non-streaming reply, already in OpenAI's form. */
export interface WholeCompletion {
  stream: false;
  body: ReturnType<typeof translateCompletion>["body"];
}

/** A streaming reply: typed events, pulled batch by batch; the ledger and hooks settle as it ends. */
export interface CompletionStream {
  stream: true;
  /** The OpenAI completion id and creation time, one per stream. */
  id: string;
  created: number;
  /** The public model name (as /v1/models lists it). */
  model: string;
  includeUsage: boolean;
  /** The next batch of events (one upstream read); null after the `done` event. Throws AppError or ClientAborted. */
  next(): Promise<CompletionEvent[] | null>;
  /**
   * Instead of `next()`: each batch goes to `sink` as its upstream read arrives (queued ones at once). The
   * batch ending in `done` is the last; after `fail` nothing follows.
   */
  attach(sink: EventSink): void;
  /** After the sink returned false: read on. */
  resume(): void;
  /** The reader went away: the upstream call ends and the request is accounted as stopped (499). */
  cancel(): void;
}

/** A reader that takes batches as they come (see `CompletionStream.attach`). */
export interface EventSink {
  /** One upstream read's events; false asks for a pause until `resume()`. */
  events(batch: CompletionEvent[]): boolean;
  /** The stream broke after its first batch: an AppError, or ClientAborted. */
  fail(err: Error): void;
}

export type Completion = WholeCompletion | CompletionStream;

/**
 * The gateway core both doors share: validate, map the model, call upstream, translate, account usage.
 * Throws AppError for anything before the first byte: a stream is returned only once upstream answered
 * with its first event, so a slow or failing upstream still gets a real HTTP status (504, 429…).
 */
export async function startCompletion(
  json: unknown,
  caller: Caller,
  signal: AbortSignal,
  hooks: CompletionHooks = {},
): Promise<Completion> {
  const started = Date.now();
  const who = { createdAt: started, userId: caller.userId, apiKeyId: caller.apiKeyId, source: caller.source };
  const db = getDb();

  let req: ValidRequest;
  const models = await modelCatalogue();
  try {
    await enforceRateLimits(caller);
    req = validateRequest(json, models);
  } catch (err) {
    const e = asAppError(err);
    const raw = (json as { model?: unknown } | null)?.model;
    // A known model under another spelling ("glm-4-flash") is recorded by its name, so reports group it;
    // anything else keeps what was sent (the recent-requests list shows it), charted as "unknown model".
    const model = typeof raw === "string" ? (models.findAny(raw)?.id ?? raw.slice(0, 64)) : "unknown";
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
  // The ledger row exists from the start: a crash mid-request leaves it, with the tokens counted so far. It is
  // written while the upstream call opens, not before it (the same event-loop turn on SQLite's batched ledger,
  // a round trip on PostgreSQL); progress and the end are written once it exists.
  const usageId = startUsage(db, { ...who, model: req.model.id, stream: req.stream, durationMs: 0 });
  const prompt = promptEstimate(req);
  // Not awaited: the reply does not wait for its accounting (a late progress write cannot undo the end:
  // see db/queries/usage.ts).
  const ledger = (status: number, summary: ReplySummary | null, ttftMs: number | null, errorCode?: string | null) => {
    const outcome = {
      status,
      errorCode: errorCode ?? null,
      ttftMs,
      durationMs: Date.now() - started,
      promptTokens: summary?.usage?.prompt_tokens ?? (summary ? prompt : 0),
      completionTokens:
        summary?.usage?.completion_tokens ??
        (summary ? estimateUsage(0, summary.reasoning + summary.content).completion_tokens : 0),
    };
    void usageId.then((id) => completeUsage(db, { id, ...outcome }));
  };
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
      return { stream: false, body };
    } catch (err) {
      return fail(err);
    }
  }
  const progress = (summary: ReplySummary) => {
    const soFar = {
      promptTokens: summary.usage?.prompt_tokens ?? prompt,
      completionTokens:
        summary.usage?.completion_tokens ?? estimateUsage(0, summary.reasoning + summary.content).completion_tokens,
      durationMs: Date.now() - started,
    };
    void usageId.then((id) => usageProgress(db, { id, ...soFar }));
  };
  return streamCompletion(
    req,
    call,
    started,
    prompt,
    progress,
    (status, summary, ttft, error) => {
      ledger(status, summary, ttft, error?.code ?? (status === STATUS_CLIENT_CLOSED ? "client_closed" : null));
      hooks.onFinish?.(summary, { status, error });
    },
    fail,
  );
}

type Settle = (status: number, summary: ReplySummary, ttftMs: number | null, error?: AppError) => void;

/**
 * Reads the upstream stream as event batches, keeping the ledger's progress and settling exactly once. The
 * upstream pushes (upstream-pump.ts); a reader either pulls batches with `next()` (the chat door, the route
 * handlers) or attaches a sink that gets each batch as its read arrives (/v1 on node:http), with no promise
 * per chunk. Pulled batches wait in a queue while the upstream read pauses: one read ahead, as before.
 */
async function streamCompletion(
  req: ValidRequest,
  call: UpstreamCall,
  started: number,
  /** The prompt's estimated tokens (for usage the upstream does not report). */
  prompt: number,
  progress: (summary: ReplySummary) => void,
  settle: Settle,
  fail: (err: unknown, summary?: ReplySummary | null) => never,
): Promise<CompletionStream> {
  const translator = new EventTranslator();
  let ttft: number | null = null;
  let progressAt = started;
  let settled = false;
  /** Until the first batch is in, a failure is `fail`'s (a real HTTP status), not an in-stream one. */
  let opening = true;
  const settleOnce: Settle = (...args) => {
    if (settled) return;
    settled = true;
    settle(...args);
  };
  /** Accounts a failure after the first batch; what the reader is told (ClientAborted, or an AppError). */
  const settleFailure = (err: Error): Error => {
    if (err instanceof ClientAborted) {
      settleOnce(STATUS_CLIENT_CLOSED, translator.summary, ttft);
      return err;
    }
    const app = asAppError(err);
    settleOnce(app.status, translator.summary, ttft, app);
    return app;
  };
  const queue: CompletionEvent[][] = [];
  let failure: Error | null = null;
  let over = false;
  let sink: EventSink | null = null;
  let waiter: { resolve: (b: CompletionEvent[] | null) => void; reject: (e: Error) => void } | null = null;

  const deliver = (batch: CompletionEvent[]) => {
    if (sink) {
      if (!sink.events(batch)) pump.pause();
    } else if (waiter) {
      const w = waiter;
      waiter = null;
      w.resolve(batch);
    } else {
      queue.push(batch);
      pump.pause();
    }
  };
  const pump = pumpUpstreamEvents(call, {
    payloads(batch) {
      const out: CompletionEvent[] = [];
      for (const event of batch) translator.push(event, out);
      if (ttft === null && translator.producedOutput) ttft = Date.now() - started;
      // The ledger learns the tokens so far now and then, not per chunk: a crash loses at most that much.
      const now = Date.now();
      if (now - progressAt >= PROGRESS_EVERY_MS) {
        progressAt = now;
        progress(translator.summary);
      }
      if (out.length) deliver(out);
    },
    end() {
      over = true;
      const done = translator.end(prompt);
      settleOnce(200, translator.summary, ttft);
      deliver([done]);
    },
    fail(err) {
      over = true;
      const e = opening ? err : settleFailure(err);
      if (sink) sink.fail(e);
      else if (waiter) {
        const w = waiter;
        waiter = null;
        w.reject(e);
      } else failure = e;
    },
  });

  const next = (): Promise<CompletionEvent[] | null> => {
    const batch = queue.shift();
    if (batch) {
      if (!queue.length && !over) pump.resume();
      return Promise.resolve(batch);
    }
    if (failure) return Promise.reject(failure);
    if (over) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      waiter = { resolve, reject };
    });
  };

  let head: CompletionEvent[] | null;
  try {
    head = await next();
  } catch (err) {
    return fail(err, translator.summary);
  }
  opening = false;
  // A failure right behind the first batch (the same read) is an in-stream one: settled now, thrown after it.
  if (failure) failure = settleFailure(failure);

  return {
    stream: true,
    id: translator.id,
    created: translator.created,
    model: req.model.id,
    includeUsage: req.includeUsage,
    next() {
      if (head) {
        const first = head;
        head = null;
        return Promise.resolve(first);
      }
      return next();
    },
    attach(s) {
      sink = s;
      let open = true;
      if (head) open = s.events(head);
      head = null;
      for (const batch of queue.splice(0)) open = s.events(batch) && open;
      if (failure) return s.fail(failure);
      if (open && !over) pump.resume();
    },
    resume() {
      if (!over) pump.resume();
    },
    cancel() {
      if (over) return;
      over = true;
      pump.stop(new ClientAborted());
      settleOnce(STATUS_CLIENT_CLOSED, translator.summary, ttft);
    },
  };
}
