import "server-only";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import type { User } from "@/db/schema";
import { auth } from "./auth";
import { PAGE_HEADER } from "./page-header";
import { sessionUser } from "./sessions";
import { mustChangePassword, newPasswordPage } from "./temporary-password";

/**
 * The signed-in user, or null. A valid JWT is not enough: its session row (`sid`) must still exist and
 * the account too — one query — so signing out, "sign out of all devices" and a password change end a
 * cookie everywhere at once, and a deleted account's cookie is worth nothing.
 */
export async function currentUser(): Promise<User | null> {
  return (await currentSession())?.user ?? null;
}

/** The user and the id of this browser's session (to end it, or to keep it while ending the others). */
// Once per request (React's cache): the layout's language, the page and its actions all ask.
export const currentSession = cache(async function currentSession(): Promise<{
  user: User;
  sessionId: string;
} | null> {
  const session = await auth();
  const userId = session?.user?.id;
  const sessionId = session?.sid;
  // Cookies from before sessions had rows carry no sid: they no longer count.
  if (!userId || !sessionId) return null;
  const user = await sessionUser({ sessionId, userId });
  return user ? { user, sessionId } : null;
});

/**
 * For pages: the signed-in user, or a redirect to /login (relative, so it stays on the host typed) that brings
 * them back to the page they asked for once signed in (a link to a conversation or a settings page). An account
 * still on a temporary password goes to choose its own first, then on to that page (lib/auth/temporary-password.ts);
 * the mark came with the session's row, so this adds no query.
 */
export async function requireUser(): Promise<User> {
  const user = await currentUser();
  if (!user) {
    const page = (await headers()).get(PAGE_HEADER);
    redirect(page && page !== "/" ? `/login?next=${encodeURIComponent(page)}` : "/login");
  }
  if (mustChangePassword(user)) redirect(newPasswordPage((await headers()).get(PAGE_HEADER)));
  return user;
}
