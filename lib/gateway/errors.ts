import "server-only";
import { AppError } from "@/lib/errors";
import type { Catalogue } from "@/lib/models";
import { newRequestId } from "./ids";
import { CORS_HEADERS } from "./v1-paths";

/** The gateway's errors: AppError (lib/errors.ts) with the codes OpenAI clients know, rendered for `/v1` here. */

export const invalidRequest = (message: string, param: string | null = null, code: string | null = null) =>
  new AppError("invalid_request_error", message, { param, wireCode: code });

export const modelNotFound = (model: string, models: Catalogue) =>
  new AppError(
    "model_not_found",
    `The model '${model}' does not exist. Available: ${models.enabled.map((m) => m.id).join(", ")}.`,
    { param: "model" },
  );

/** 401. OpenAI's `code` is "invalid_api_key" for a key it does not accept, and null when none was sent. */
export const unauthorized = (message: string, { keySent = true } = {}) =>
  new AppError("invalid_api_key", message, keySent ? {} : { wireCode: null });

export const upstreamError = (message = "The upstream model service failed. Please try again.") =>
  new AppError("upstream_error", message);

export const upstreamTimeout = (message = "The upstream model service did not answer in time.") =>
  new AppError("upstream_timeout", message);

/** Anything that is not an AppError becomes a 500 whose text reveals nothing internal. */
export function asAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  console.error("[gateway] unexpected error", err);
  return new AppError("internal_error", "The server had an error while processing your request.");
}

/** OpenAI's error JSON body. */
export const openAiError = (err: AppError) => ({
  error: { message: err.message, type: err.type, param: err.param, code: err.wireCode },
});

/** The headers of a `/v1` error: its own, CORS's, and a request id (there is no completion to name it by). */
export const errorHeaders = (err: AppError): Record<string, string> => ({
  ...CORS_HEADERS,
  ...err.headers,
  "x-request-id": newRequestId(),
});

/** The OpenAI error JSON response for `/v1`. */
export function errorResponse(err: AppError): Response {
  return Response.json(openAiError(err), { status: err.status, headers: errorHeaders(err) });
}
