import "server-only";
import type { User } from "@/db/schema";
import { config } from "@/lib/config";

/**
 * Admins see everyone's usage, revoke any key, edit the model catalogue and manage accounts: the first account
 * that can sign in (marked on its row when it was made) and anyone in ADMIN_EMAILS.
 */
export async function isAdmin(user: Pick<User, "email" | "admin">): Promise<boolean> {
  return user.admin || listedAdmin(user.email);
}

/**
 * Whether ADMIN_EMAILS names this address. Sign-up does not prove an address is the person's, so such an
 * address may sign itself up only as the very first account (an admin anyway); otherwise the operator or an
 * admin makes it (app/(auth)/actions.ts).
 */
export function listedAdmin(email: string): boolean {
  return config().adminEmails.includes(email.trim().toLowerCase());
}
