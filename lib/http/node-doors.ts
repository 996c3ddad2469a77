import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { serveChat } from "@/lib/chat/node-door";
import { serveV1 } from "@/lib/gateway/node-door";

/**
 * The hot paths the production server (scripts/server.mjs) answers on node:http before Next's router: the
 * gateway (`/v1/…`) and a chat message (`POST /api/chat`). Each calls the same functions as its route
 * handler, which `next dev` and hosts that run only Next keep using. Returns false for anything else.
 */
export async function serveNodeDoors(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const url = req.url ?? "";
  if (url.startsWith("/v1/")) return serveV1(req, res);
  if (req.method === "POST" && (url === "/api/chat" || url.startsWith("/api/chat?"))) {
    await serveChat(req, res);
    return true;
  }
  return false;
}
