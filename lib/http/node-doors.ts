import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { serveChat } from "@/lib/chat/node-door";
import { serveV1 } from "@/lib/gateway/node-door";

/** `/v1`, `/v1/…` or `/v1?…`: every path of the gateway, answered in OpenAI's format (not `/v1x`). */
const isV1 = (url: string) => url.startsWith("/v1/") || url === "/v1" || url.startsWith("/v1?");

/**
 * The hot paths the production server (scripts/server.mjs) answers on node:http before Next's router: the
 * gateway (`/v1/…`) and a chat message (`POST /api/chat`). Each calls the same functions as its route
 * handler, which `next dev` and hosts that run only Next keep using. Returns false for anything else.
 */
export async function serveNodeDoors(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const url = req.url ?? "";
  if (isV1(url)) {
    await serveV1(req, res);
    return true;
  }
  if (req.method === "POST" && (url === "/api/chat" || url.startsWith("/api/chat?"))) {
    await serveChat(req, res);
    return true;
  }
  return false;
}
