import { NextRequest } from "next/server";
import { handlers } from "@/lib/auth/auth";
import { readBodyCapped } from "@/lib/http/body";

export const { GET } = handlers;

/** Sign-in forms are small; Auth.js would otherwise read any body whole into memory. */
const MAX_AUTH_BODY = 64 * 1024;

export async function POST(req: NextRequest) {
  const body = await readBodyCapped(req, MAX_AUTH_BODY);
  if (!body.ok) {
    return new Response("The request body is too large.\n", { status: 413,
      headers: { "content-type": "text/plain; charset=utf-8", ...(body.closeConnection ? { connection: "close" } : {}) } });
  }
  return handlers.POST(new NextRequest(req.url, { method: "POST", headers: req.headers, body: new Uint8Array(body.bytes) }));
}
