import { NextRequest } from "next/server";
import { handlers } from "@/lib/auth/auth";
import { currentSession } from "@/lib/auth/session";
import { readBodyCapped } from "@/lib/http/body";

const isSessionPath = (req: NextRequest) => req.nextUrl.pathname.endsWith("/session");

/**
 * The session as Auth.js answers it to page JavaScript, without `sid`: the server reads that from the cookie
 * (lib/auth/session.ts), no client code uses it, and a script that could read it would hold a session's id.
 * Headers (the rolled cookie) are kept.
 */
async function withoutSid(res: Response): Promise<Response> {
  if (!res.ok || !res.headers.get("content-type")?.includes("application/json")) return res;
  const body = await res.json();
  if (body && typeof body === "object") delete body.sid;
  const headers = new Headers(res.headers);
  headers.delete("content-length");
  return new Response(JSON.stringify(body), { status: res.status, headers });
}

/**
 * Auth.js answers GET /api/auth/session from the JWT alone; a cookie whose session was ended must read as
 * signed out there too, like everywhere else (lib/auth/session.ts).
 */
export async function GET(request: NextRequest) {
  if (!isSessionPath(request)) return handlers.GET(request);
  if (!(await currentSession())) {
    return Response.json(null, { headers: { "cache-control": "private, no-cache, no-store" } });
  }
  return withoutSid(await handlers.GET(request));
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
  const res = await handlers.POST(
    new NextRequest(req.url, { method: "POST", headers: req.headers, body: new Uint8Array(body.bytes) }),
  );
  return isSessionPath(req) ? withoutSid(res) : res;
}
