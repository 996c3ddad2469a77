import { NextRequest } from "next/server";
import { handlers } from "@/lib/auth/auth";
import { currentSession } from "@/lib/auth/session";
import { readBodyCapped } from "@/lib/http/body";

/**
 * Auth.js answers GET /api/auth/session from the JWT alone; a cookie whose session was ended must read as
 * signed out there too, like everywhere else (lib/auth/session.ts).
 */
export async function GET(request: NextRequest) {
  if (request.nextUrl.pathname.endsWith("/session") && !(await currentSession())) {
    return Response.json(null, { headers: { "cache-control": "private, no-cache, no-store" } });
  }
  return handlers.GET(request);
}

/** Sign-in forms are small; Auth.js would otherwise read any body whole into memory. */
const MAX_AUTH_BODY = 64 * 1024;

export async function POST(req: NextRequest) {
  const body = await readBodyCapped(req, MAX_AUTH_BODY);
  if (!body.ok) {
    return new Response("The request body is too large.\n", {
      status: 413,
      headers: {
        "content-type": "text/plain; charset=utf-8",
        ...(body.closeConnection ? { connection: "close" } : {}),
      },
    });
  }
  return handlers.POST(
    new NextRequest(req.url, { method: "POST", headers: req.headers, body: new Uint8Array(body.bytes) }),
  );
}
