import type { NextRequest } from "next/server";
import { handlers } from "@/lib/auth/auth";
import { currentSession } from "@/lib/auth/session";

export const { POST } = handlers;

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
