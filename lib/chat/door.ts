import "server-only";
import type { z } from "zod";
import type { User } from "@/db/schema";
import { requestUser } from "@/lib/auth/request-session";
import { CHOOSE_PASSWORD_FIRST, mustChangePassword } from "@/lib/auth/temporary-password";
import { AppError } from "@/lib/errors";
import { problemBody } from "@/lib/i18n/errors";
import { parseJsonBody } from "@/lib/gateway/v1-door";
import { config } from "@/lib/config";
import { type CappedBody, readBodyCapped } from "@/lib/http/body";
import { refuseCrossSite } from "@/lib/http/same-origin";

type Handler<P> = (req: Request, user: User, params: P) => Promise<Response> | Response;

const problem = (status: number, message: string) => Response.json(problemBody(message), { status });

export const SESSION_ENDED = "Your session has ended. Sign in again.";
export const SOMETHING_WRONG = "Something went wrong. Please try again.";

/**
 * The chat door's wrapper for route handlers: same-origin check (a cookie rides along on cross-site requests
 * too) → session (not one still on a temporary password: lib/auth/temporary-password.ts) → handler → one
 * readable error shape (`{ error: "…" }` with a status) for anything refused.
 */
export function chatRoute<P = Record<string, never>>(handler: Handler<P>) {
  return async (req: Request, ctx: { params: Promise<P> }): Promise<Response> => {
    const crossSite = req.method === "GET" ? null : refuseCrossSite(req);
    if (crossSite) return crossSite;
    const user = await requestUser(req);
    if (!user) return problem(401, SESSION_ENDED);
    // Reads too: whoever set a temporary password must not read the account's conversations with it.
    if (mustChangePassword(user)) return problem(403, CHOOSE_PASSWORD_FIRST);
    try {
      return await handler(req, user, await ctx.params);
    } catch (err) {
      if (err instanceof AppError) return problem(err.status, err.message);
      console.error("[chat] request failed", err);
      return problem(500, SOMETHING_WRONG);
    }
  };
}

/** The JSON body, capped like `/v1`'s (MAX_BODY_BYTES) before anything is parsed, then checked by `schema`. */
export async function readChatBody<S extends z.ZodType>(req: Request, schema: S): Promise<z.output<S>> {
  return chatBody(await readBodyCapped(req, config().maxBodyBytes), schema);
}

/** A capped body (either door's reader) as the chat's request, or the chat's readable 413 / 400. */
export function chatBody<S extends z.ZodType>(body: CappedBody, schema: S): z.output<S> {
  let json: unknown;
  try {
    json = parseJsonBody(body);
  } catch (err) {
    if (err instanceof AppError && err.status === 413)
      throw new AppError("request_too_large", "The request is too large.");
    throw new AppError("invalid_request_error", "The chat request was malformed.");
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new AppError("invalid_request_error", "The chat request was malformed.");
  return parsed.data;
}
