import "server-only";
import { z } from "zod";
import { getDb, transaction } from "@/db";
import { createUser, setPasswordHash } from "@/db/queries/users";
import type { User } from "@/db/schema";
import { hashPassword, temporaryPassword } from "./password";
import { endUserSessions } from "./sessions";

/**
 * What Settings → Users and `npm run users` both do to accounts, so that the page and the operator's tool
 * cannot drift apart: the email rule sign-up uses too, and accounts given a temporary password.
 */

/** An email address as sign-up, Settings → Users and the CLIs take it: trimmed, lower-cased, one @. */
export const EmailAddress = z
  .string()
  .trim()
  .toLowerCase()
  .max(320)
  .regex(/^[^@\s]+@[^@\s]+$/, "Enter a valid email address.");

/** A new account (an admin if it is the first that can sign in) and its temporary password, to be shown once. */
export async function createWithTemporaryPassword(email: string): Promise<{ user: User; password: string }> {
  const password = temporaryPassword();
  const user = await createUser(getDb(), { email, passwordHash: await hashPassword(password) });
  return { user, password };
}

/** A new temporary password for the account; every session of it ends. Returns it and how many sessions ended. */
export async function resetToTemporaryPassword(userId: string): Promise<{ password: string; ended: number }> {
  const password = temporaryPassword();
  const passwordHash = await hashPassword(password);
  const ended = await transaction(getDb(), async (tx) => {
    await setPasswordHash(tx, { userId, passwordHash });
    return endUserSessions({ userId }, tx);
  });
  return { password, ended };
}
