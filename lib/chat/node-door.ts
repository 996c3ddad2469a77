import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { UI_MESSAGE_STREAM_HEADERS } from "ai";
import { getDb, readsJoinWrites } from "@/db";
import { cookieUser } from "@/lib/auth/request-session";
import { CHOOSE_PASSWORD_FIRST, mustChangePassword } from "@/lib/auth/temporary-password";
import { config } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { readCapped } from "@/lib/http/body";
import { sendJson, startStream, writeNow } from "@/lib/http/node-response";
import { crossSiteRefusal, refusalBody } from "@/lib/http/same-origin";
import { problemBody } from "@/lib/i18n/errors";
import { chatBody, SESSION_ENDED, SOMETHING_WRONG } from "./door";
import type { LiveReply } from "./live-replies";
import { ChatTurnBody, startChatTurn } from "./turn";

/**
 * `POST /api/chat` on node:http, for the production server (scripts/server.mjs): the same steps as the route
 * handler (app/api/chat/route.ts) — same-origin check, session cookie (refused while on a temporary password),
 * capped body, the turn — with the reply's frames written straight to the socket, without Next's router,
 * tracing and web streams per turn.
 * The other chat routes (resume, stop) stay with Next: they are not per message.
 */
export async function serveChat(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const header = (name: string) => {
    const v = req.headers[name];
    return v === undefined ? null : Array.isArray(v) ? v.join(", ") : v;
  };
  const withBody = header("transfer-encoding") !== null || Number(header("content-length") ?? 0) > 0;
  const refusal = crossSiteRefusal(req.method ?? "POST", { get: header }, withBody);
  if (refusal) return sendJson(res, refusal.status, refusalBody(refusal));
  try {
    // A chat turn writes: the session's and the turn's reads go into its transaction.
    readsJoinWrites(getDb());
    const user = await cookieUser(header("cookie") ?? "");
    if (!user) return sendJson(res, 401, problemBody(SESSION_ENDED));
    if (mustChangePassword(user)) return sendJson(res, 403, problemBody(CHOOSE_PASSWORD_FIRST));
    const capped = await readCapped(req, Number(header("content-length") ?? 0), config().maxBodyBytes);
    await writeReply(res, await startChatTurn(user, chatBody(capped, ChatTurnBody)));
  } catch (err) {
    if (res.headersSent) return void res.destroy();
    if (err instanceof AppError) return sendJson(res, err.status, problemBody(err.message), err.headers);
    console.error("[chat] request failed", err);
    sendJson(res, 500, problemBody(SOMETHING_WRONG));
  }
}

/** The reply's frames as they come; the reader leaving stops only this reader, never the reply. */
function writeReply(res: ServerResponse, reply: LiveReply): Promise<void> {
  // Gone while the turn was starting: its 'close' has been, and the reply goes on without this reader.
  if (res.destroyed) return Promise.resolve();
  startStream(res, UI_MESSAGE_STREAM_HEADERS);
  const gone = () => res.destroyed || res.writableEnded;
  return new Promise((resolve) => {
    const reader = reply.follow((text, done) => {
      if (gone()) return false;
      if (done) res.end(text);
      return !done && writeNow(res, text);
    });
    const onDrain = () => reader.resume();
    res.on("drain", onDrain);
    res.once("close", () => {
      reader.stop();
      res.off("drain", onDrain);
      resolve();
    });
  });
}
