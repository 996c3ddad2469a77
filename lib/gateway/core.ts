import "server-only";
import { loadedCatalogue, modelCatalogue } from "@/lib/model-catalogue";
import { estimateTokensOf, PER_MESSAGE } from "@/lib/tokens";
import { config } from "@/lib/config";
import { getDb } from "@/db";
import { openUsage, recordUsage } from "@/db/queries/usage";
import { AppError } from "@/lib/errors";
import { asAppError } from "./errors";
import { enforceRateLimits, type RateLimitState } from "./rate-limit";
import { toUpstreamBody, validateRequest, type ValidRequest } from "./request";
import { type CompletionStream, STATUS_CLIENT_CLOSED, streamCompletion } from "./completion-stream";
import { emptySummary, estimateUsage, translateCompletion, type ReplySummary } from "./translate";
import type { Stop } from "./stop";
import { ClientAborted, openUpstream, readUpstreamJson, type UpstreamCall } from "./upstream";

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

/** Upstream model id: UPSTREAM_MODEL_MAP first, then Zhipu's lower-case id. */
function upstreamModelId(req: ValidRequest): string {
  return config().modelMap.get(req.model.id.toLowerCase()) ?? req.model.upstreamId;
}

const promptEstimate = (req: ValidRequest) =>
  estimateTokensOf(req.promptChars) + PER_MESSAGE * req.body.messages.length;

/** A non-streaming reply, already in OpenAI's form. */
export interface WholeCompletion {
  stream: false;
  body: ReturnType<typeof translateCompletion>["body"];
  /** Where the caller stands against its rate limit, when one is set (the doors send it as headers). */
  rateLimit?: RateLimitState;
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
  /** Stops (with ClientAborted) when the caller goes away: the upstream call ends with it. */
  client: Stop,
  hooks: CompletionHooks = {},
): Promise<Completion> {
  const started = Date.now();
  const db = getDb();

  let req: ValidRequest;
  let rateLimit: RateLimitState | undefined;
  // Both without a promise on SQLite once the catalogue is loaded (every request asks).
  const models = loadedCatalogue() ?? (await modelCatalogue());
  try {
    const limits = enforceRateLimits(caller);
    rateLimit = limits instanceof Promise ? await limits : limits;
    req = validateRequest(json, models);
  } catch (err) {
    const e = asAppError(err);
    const raw = (json as { model?: unknown } | null)?.model;
    // A known model under another spelling ("glm-4-flash") is recorded by its name, so reports group it;
    // anything else keeps what was sent (the recent-requests list shows it), charted as "unknown model".
    const model = typeof raw === "string" ? (models.findAny(raw)?.id ?? raw.slice(0, 64)) : "unknown";
    await recordUsage(db, {
      createdAt: started,
      userId: caller.userId,
      apiKeyId: caller.apiKeyId,
      source: caller.source,
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
  // Built field by field: object spreads here were ~2 % of a /v1 stream's CPU in its profile.
  const usage = openUsage(db, {
    createdAt: started,
    userId: caller.userId,
    apiKeyId: caller.apiKeyId,
    source: caller.source,
    model: req.model.id,
    stream: req.stream,
    durationMs: 0,
  });
  // Needed only when upstream does not report usage (or for progress before it does): estimated at most once.
  let promptTokens: number | undefined;
  const prompt = () => (promptTokens ??= promptEstimate(req));
  // Not awaited: the reply does not wait for its accounting (a late progress write cannot undo the end:
  // see db/queries/usage.ts).
  const ledger = (status: number, summary: ReplySummary | null, ttftMs: number | null, errorCode?: string | null) =>
    usage.complete({
      status,
      errorCode: errorCode ?? null,
      ttftMs,
      durationMs: Date.now() - started,
      promptTokens: summary?.usage?.prompt_tokens ?? (summary ? prompt() : 0),
      completionTokens:
        summary?.usage?.completion_tokens ??
        (summary ? estimateUsage(0, summary.reasoning + summary.content).completion_tokens : 0),
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
    call = await openUpstream(toUpstreamBody(req, upstreamModelId(req)), client);
  } catch (err) {
    return fail(err);
  }

  if (!req.stream) {
    try {
      const { body, summary } = translateCompletion(await readUpstreamJson(call), req.model.id, prompt);
      summary.usage = body.usage;
      ledger(200, summary, Date.now() - started);
      hooks.onFinish?.(summary, { status: 200 });
      return { stream: false, body, rateLimit };
    } catch (err) {
      return fail(err);
    }
  }
  const progress = (summary: ReplySummary) =>
    usage.progress({
      promptTokens: summary.usage?.prompt_tokens ?? prompt(),
      completionTokens:
        summary.usage?.completion_tokens ?? estimateUsage(0, summary.reasoning + summary.content).completion_tokens,
      durationMs: Date.now() - started,
    });
  const stream = await streamCompletion(
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
  if (rateLimit) stream.rateLimit = rateLimit;
  return stream;
}
