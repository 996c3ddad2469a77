/** One typed error for the gateway core; each door renders it its own way. */
export class GatewayError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly code: string | null,
    message: string,
    readonly param: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "GatewayError";
  }

  toJSON() {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

export const invalidRequest = (message: string, param: string | null = null, code: string | null = null) =>
  new GatewayError(400, "invalid_request_error", code, message, param);

export const modelNotFound = (model: string) =>
  new GatewayError(404, "invalid_request_error", "model_not_found",
    `The model '${model}' does not exist. Available: GLM-4-Plus, GLM-4-Air, GLM-4-AirX, GLM-4-Long, GLM-4-FlashX, GLM-4-Flash.`,
    "model");

export const unauthorized = (message: string) =>
  new GatewayError(401, "invalid_request_error", "invalid_api_key", message);

export const upstreamError = (message = "The upstream model service failed. Please try again.") =>
  new GatewayError(502, "api_error", "upstream_error", message);

export const upstreamTimeout = (message = "The upstream model service did not answer in time.") =>
  new GatewayError(504, "api_error", "upstream_timeout", message);

/** Anything that is not a GatewayError becomes a 500 whose text reveals nothing internal. */
export function asGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  console.error("[gateway] unexpected error", err);
  return new GatewayError(500, "api_error", "internal_error", "The server had an error while processing your request.");
}

/** The OpenAI error JSON response for `/v1`. */
export function errorResponse(err: GatewayError): Response {
  return Response.json(err.toJSON(), { status: err.status, headers: err.headers });
}
