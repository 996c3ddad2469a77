import { verifyApiKey } from "@/lib/auth/api-keys";
import { config } from "@/lib/config";
import { readBodyCapped } from "@/lib/http/body";
import { AppError } from "@/lib/errors";
import { asAppError, errorResponse, invalidRequest, unauthorized } from "./errors";
import type { Caller } from "./core";

/** Door 1: API-key auth → handler → OpenAI error JSON for anything that goes wrong. */
export function v1Route(handler: (req: Request, caller: Caller) => Promise<Response>) {
  return async (req: Request): Promise<Response> => {
    try {
      return await handler(req, await authenticate(req));
    } catch (err) {
      return errorResponse(asAppError(err));
    }
  };
}

async function authenticate(req: Request): Promise<Caller> {
  const header = req.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) {
    throw unauthorized(
      "You didn't provide an API key. Send it as 'Authorization: Bearer sk-glm-…'; " +
        "create one in Settings → API keys or with `npm run keys -- create`.",
    );
  }
  const key = await verifyApiKey(match[1]);
  if (!key) throw unauthorized("Incorrect, revoked or expired API key provided.");
  return { userId: key.userId, apiKeyId: key.id, source: "api" };
}

/** Reads a JSON body with the MAX_BODY_BYTES cap: 413 past it (the JSON is never parsed), 400 when malformed. */
export async function readJsonBody(req: Request): Promise<unknown> {
  const max = config().maxBodyBytes;
  const body = await readBodyCapped(req, max);
  if (!body.ok) {
    throw new AppError("request_too_large", `The request body is larger than ${max} bytes.`, {
      headers: body.closeConnection ? { connection: "close" } : {},
    });
  }
  const text = body.bytes.toString("utf8");
  if (!text.trim()) throw invalidRequest("The request body is empty; send a JSON object.");
  try {
    return JSON.parse(text);
  } catch {
    throw invalidRequest("We could not parse the JSON body of your request. Check that it is valid JSON.");
  }
}
