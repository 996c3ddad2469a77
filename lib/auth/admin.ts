import "server-only";
import type { User } from "@/db/schema";
import { config } from "@/lib/config";

/**
 * Admins see everyone's usage, revoke any key, edit the model catalogue and manage accounts: the first account
 * that can sign in (marked on its row when it was made) and anyone in ADMIN_EMAILS.
 */
export async function isAdmin(user: Pick<User, "email" | "admin">): Promise<boolean> {
  return user.admin || config().adminEmails.includes(user.email.toLowerCase());
}
