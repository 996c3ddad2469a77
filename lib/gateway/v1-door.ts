import "server-only";
import { trustedApiKey, verifyApiKey } from "@/lib/auth/api-keys";
import { config } from "@/lib/config";
import { type CappedBody, readBodyCapped } from "@/lib/http/body";
import { AppError } from "@/lib/errors";
import { asAppError, errorResponse, invalidRequest, unauthorized } from "./errors";
import type { Caller } from "./core";
import { newRequestId } from "./ids";
import { CORS_HEADERS, preflightHeaders, wrongRoute } from "./v1-paths";

/** Door 1: API-key auth → handler → OpenAI error JSON for anything that goes wrong. */
export function v1Route(handler: (req: Request, caller: Caller) => Promise<Response>) {
  return async (req: Request): Promise<Response> => {
    try {
      const res = await handler(req, await authenticate(req.headers.get("authorization")));
      // A completion names itself (sse-response.ts); the model list gets CORS and an id of its own here.
      if (!res.headers.has("x-request-id")) {
        for (const [name, value] of Object.entries(CORS_HEADERS)) res.headers.set(name, value);
        res.headers.set("x-request-id", newRequestId());
      }
      return res;
    } catch (err) {
      return errorResponse(asAppError(err));
    }
  };
}

/** A browser's CORS preflight (OPTIONS) on any `/v1` path. */
export async function v1Preflight(req: Request): Promise<Response> {
  return new Response(null, {
    status: 204,
    headers: preflightHeaders(req.headers.get("access-control-request-headers")),
  });
}

/**
 * Every other method of a route handler, and every path none serves (app/v1/[[...path]]): OpenAI's JSON 404 or
 * 405 rather than Next's HTML page or empty body.
 */
export async function v1Fallback(req: Request): Promise<Response> {
  return errorResponse(wrongRoute(req.method, new URL(req.url).pathname));
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * The caller of a key found usable within the last moments (see `trustedApiKey`), with no lookup and no
 * promise; undefined means `authenticate` decides.
 */
export function trustedCaller(header: string | null | undefined): Caller | undefined {
  const token = BEARER.exec(header ?? "")?.[1];
  const key = token ? trustedApiKey(token) : undefined;
  return key && { userId: key.userId, apiKeyId: key.id, source: "api" };
}

/** The caller an `Authorization: Bearer sk-glm-…` header names; 401 for a missing or unusable key. */
export async function authenticate(header: string | null | undefined): Promise<Caller> {
  const match = BEARER.exec(header ?? "");
  if (!match) {
    throw unauthorized(
      "You didn't provide an API key. Send it as 'Authorization: Bearer sk-glm-…'; " +
        "create one in Settings → API keys or with `npm run keys -- create --name NAME`.",
      { keySent: false },
    );
  }
  const key = await verifyApiKey(match[1]);
  if (!key) throw unauthorized("Incorrect, revoked or expired API key provided.");
  return { userId: key.userId, apiKeyId: key.id, source: "api" };
}

/** Reads a JSON body with the MAX_BODY_BYTES cap: 413 past it (the JSON is never parsed), 400 when malformed. */
export async function readJsonBody(req: Request): Promise<unknown> {
  return parseJsonBody(await readBodyCapped(req, config().maxBodyBytes));
}

/** The JSON of a body read with the cap (either door's reader). */
export function parseJsonBody(body: CappedBody): unknown {
  if (!body.ok) {
    throw new AppError("request_too_large", `The request body is larger than ${config().maxBodyBytes} bytes.`, {
      headers: body.closeConnection ? { connection: "close" } : {},
    });
  }
  let text = body.bytes.toString("utf8");
  try {
    return JSON.parse(text);
  } catch {
    // One byte-order mark (some Windows tools write it) is not JSON's, but says nothing: read past it.
    if (text.charCodeAt(0) === 0xfeff) {
      text = text.slice(1);
      try {
        return JSON.parse(text);
      } catch {}
    }
    // Whitespace alone does not parse either: only then is the body's trimmed copy made.
    if (!text.trim()) throw invalidRequest("The request body is empty; send a JSON object.");
    throw invalidRequest("We could not parse the JSON body of your request. Check that it is valid JSON.");
  }
}
