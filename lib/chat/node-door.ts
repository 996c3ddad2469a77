import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { UI_MESSAGE_STREAM_HEADERS } from "ai";
import { cookieUser } from "@/lib/auth/request-session";
import { config } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { readCapped } from "@/lib/http/body";
import SECURITY_HEADERS from "@/lib/http/security-headers.json";
import { crossSiteRefusal, refusalBody } from "@/lib/http/same-origin";
import { chatBody, problemBody, SESSION_ENDED, SOMETHING_WRONG } from "./door";
import type { LiveReply } from "./live-replies";
import { ChatTurnBody, startChatTurn } from "./turn";

/**
 * `POST /api/chat` on node:http, for the production server (scripts/server.mjs): the same steps as the route
 * handler (app/api/chat/route.ts) — same-origin check, session cookie, capped body, the turn — with the
 * reply's frames written straight to the socket, without Next's router, tracing and web streams per turn.
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
    const user = await cookieUser(header("cookie") ?? "");
    if (!user) return sendJson(res, 401, problemBody(SESSION_ENDED));
    const capped = await readCapped(req, Number(header("content-length") ?? 0), config().maxBodyBytes);
    await writeReply(res, await startChatTurn(user, chatBody(capped, ChatTurnBody)));
  } catch (err) {
    if (res.headersSent) return void res.destroy();
    if (err instanceof AppError) return sendJson(res, err.status, problemBody(err.message), err.headers);
    console.error("[chat] request failed", err);
    sendJson(res, 500, problemBody(SOMETHING_WRONG));
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** The reply's frames as they come; the reader leaving stops only this reader, never the reply. */
async function writeReply(res: ServerResponse, reply: LiveReply) {
  res.writeHead(200, { ...SECURITY_HEADERS, ...UI_MESSAGE_STREAM_HEADERS });
  res.flushHeaders();
  const frames = reply.frames();
  const gone = () => res.destroyed || res.writableEnded;
  res.on("close", () => void frames.return(undefined));
  for await (const bytes of frames) {
    if (gone()) return;
    if (!res.write(bytes)) await drained(res);
  }
  if (!gone()) res.end();
}

const drained = (res: ServerResponse) =>
  new Promise<void>((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
