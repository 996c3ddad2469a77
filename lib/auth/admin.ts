import "server-only";
import { getDb } from "@/db";
import { firstUser } from "@/db/queries/users";
import type { User } from "@/db/schema";
import { config } from "@/lib/config";

/** Admins see everyone's usage and can revoke any key: the first account, and anyone in ADMIN_EMAILS. */
export async function isAdmin(user: Pick<User, "id" | "email">): Promise<boolean> {
  return config().adminEmails.includes(user.email.toLowerCase()) || (await firstUser(getDb()))?.id === user.id;
}
