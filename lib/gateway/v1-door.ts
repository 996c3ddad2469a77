import { verifyApiKey } from "@/lib/auth/api-keys";
import { config } from "@/lib/config";
import { asGatewayError, errorResponse, GatewayError, invalidRequest, unauthorized } from "./errors";
import type { Caller } from "./core";

/** Door 1: API-key auth → handler → OpenAI error JSON for anything that goes wrong. */
export function v1Route(handler: (req: Request, caller: Caller) => Promise<Response>) {
  return async (req: Request): Promise<Response> => {
    try {
      return await handler(req, authenticate(req));
    } catch (err) {
      return errorResponse(asGatewayError(err));
    }
  };
}

function authenticate(req: Request): Caller {
  const header = req.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) {
    throw unauthorized("You didn't provide an API key. Send it as 'Authorization: Bearer sk-glm-…'; " +
      "create one in Settings → API keys or with `npm run keys -- create`.");
  }
  const key = verifyApiKey(match[1]);
  if (!key) throw unauthorized("Incorrect, revoked or expired API key provided.");
  return { userId: key.userId, apiKeyId: key.id, source: "api" };
}

/** Past this, an oversized body is not even read to the end: the connection is closed instead. */
const DRAIN_LIMIT = 64 * 1024 * 1024;

/**
 * Reads a JSON body with a size cap: 413 past the cap (the JSON is never parsed), 400 for malformed JSON.
 * An oversized body is still read to its end (up to DRAIN_LIMIT) before answering, because a client that
 * is still uploading when the server hangs up sees a broken connection instead of the 413.
 */
export async function readJsonBody(req: Request): Promise<unknown> {
  const max = config().maxBodyBytes;
  const tooLarge = (close: boolean) => new GatewayError(413, "invalid_request_error", "request_too_large",
    `The request body is larger than ${max} bytes.`, null, close ? { connection: "close" } : {});
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > DRAIN_LIMIT) throw tooLarge(true);
  if (!req.body) throw invalidRequest("The request body is empty; send a JSON object.");
  const reader = req.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > DRAIN_LIMIT) {
      await reader.cancel().catch(() => {});
      throw tooLarge(true);
    }
    if (size <= max) parts.push(value);
  }
  if (size > max) throw tooLarge(false);
  const text = Buffer.concat(parts).toString("utf8");
  if (!text.trim()) throw invalidRequest("The request body is empty; send a JSON object.");
  try {
    return JSON.parse(text);
  } catch {
    throw invalidRequest("We could not parse the JSON body of your request. Check that it is valid JSON.");
  }
}
