import "server-only";
import type { User } from "@/db/schema";
import { requestUser } from "@/lib/auth/request-session";
import { CHOOSE_PASSWORD_FIRST, mustChangePassword } from "@/lib/auth/temporary-password";
import { SESSION_ENDED, SOMETHING_WRONG } from "@/lib/chat/door";
import { problemBody } from "@/lib/i18n/errors";
import { AppError } from "@/lib/errors";
import { crossSiteRefusal, refusalBody } from "@/lib/http/same-origin";
import { AttachmentError } from "./errors";
import type { AttachmentProblem } from "./limits";

type Handler<P> = (req: Request, user: User, params: P) => Promise<Response> | Response;

const STATUS: Record<AttachmentProblem, number> = {
  too_large: 413,
  too_many: 400,
  unsupported: 415,
  unreadable: 422,
  encrypted: 422,
  too_complex: 422,
  pending_full: 409,
  quota: 413,
  empty: 422,
  upload_failed: 400,
};

/** The header naming an uploaded file; custom, so no cross-site page can send it without a refused preflight. */
export const FILE_NAME_HEADER = "x-file-name";

/**
 * The attachment routes' wrapper, like the chat's (lib/chat/door.ts chatRoute) except for the body check:
 * an upload's body is the file itself, not JSON. It is still safe from other sites: the same-origin
 * headers are checked, and POST must carry the custom X-File-Name header, which a cross-site form cannot
 * send and a cross-site fetch cannot send without a CORS preflight this server never grants.
 * A refused file answers `{ error, problem, name }` so the browser can word it in the reader's language.
 */
export function attachmentRoute<P = Record<string, never>>(handler: Handler<P>) {
  return async (req: Request, ctx: { params: Promise<P> }): Promise<Response> => {
    const refusal = crossSiteRefusal(req.method, req.headers, false);
    if (refusal) return Response.json(refusalBody(refusal), { status: refusal.status });
    if (req.method === "POST" && !req.headers.has(FILE_NAME_HEADER))
      return Response.json(problemBody("Name the file in the X-File-Name header."), { status: 400 });
    const user = await requestUser(req);
    if (!user) return Response.json(problemBody(SESSION_ENDED), { status: 401 });
    if (mustChangePassword(user)) return Response.json(problemBody(CHOOSE_PASSWORD_FIRST), { status: 403 });
    try {
      return await handler(req, user, await ctx.params);
    } catch (err) {
      if (err instanceof AttachmentError)
        return Response.json({ ...problemBody(err.message), problem: err.problem }, { status: STATUS[err.problem] });
      if (err instanceof AppError) return Response.json(problemBody(err.message), { status: err.status });
      console.error("[attachments] request failed", err);
      return Response.json(problemBody(SOMETHING_WRONG), { status: 500 });
    }
  };
}
