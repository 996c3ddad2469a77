import { redirect } from "next/navigation";
import { findUserById } from "@/db/queries/users";
import type { User } from "@/db/schema";
import { auth } from "./auth";

/**
 * The signed-in user, checked against the database (a deleted account's cookie is worth nothing),
 * or null.
 */
export async function currentUser(): Promise<User | null> {
  const session = await auth();
  const id = session?.user?.id;
  return id ? (findUserById(id) ?? null) : null;
}

/** For pages: the signed-in user, or a redirect to /login (relative, so it stays on the host typed). */
export async function requireUser(): Promise<User> {
  const user = await currentUser();
  if (!user) redirect("/login");
  return user;
}
