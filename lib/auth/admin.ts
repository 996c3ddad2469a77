import { firstUser } from "@/db/queries/users";
import type { User } from "@/db/schema";
import { config } from "@/lib/config";

/** Admins see everyone's usage and can revoke any key: the first account, and anyone in ADMIN_EMAILS. */
export function isAdmin(user: Pick<User, "id" | "email">): boolean {
  return config().adminEmails.includes(user.email.toLowerCase()) || firstUser()?.id === user.id;
}
