import "server-only";
import { z } from "zod";
import { getDb, transaction } from "@/db";
import { createUser, setPasswordHash, setUserLocale, someoneCanSignIn } from "@/db/queries/users";
import type { User } from "@/db/schema";
import { listedAdmin } from "./admin";
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

/*
 * A temporary password is known to whoever made it (the admin, the operator), so the account is marked: at its
 * next sign-in its owner must choose their own before anything else (lib/auth/session.ts requireUser).
 */

/** A new account (an admin if it is the first that can sign in) and its temporary password, to be shown once. */
export async function createWithTemporaryPassword(email: string): Promise<{ user: User; password: string }> {
  const password = temporaryPassword();
  const passwordHash = await hashPassword(password);
  const user = await createUser(getDb(), { email, passwordHash, mustChangePassword: true });
  return { user, password };
}

/** A new temporary password for the account; every session of it ends. Returns it and how many sessions ended. */
export async function resetToTemporaryPassword(userId: string): Promise<{ password: string; ended: number }> {
  const password = temporaryPassword();
  const passwordHash = await hashPassword(password);
  const ended = await transaction(getDb(), async (tx) => {
    await setPasswordHash(tx, { userId, passwordHash, mustChangePassword: true });
    return endUserSessions({ userId }, tx);
  });
  return { password, ended };
}

/** Sign-up's refusal of an ADMIN_EMAILS address once accounts exist (the catalogue's errors.adminAddressReserved). */
export const ADMIN_ADDRESS_RESERVED =
  "This address is reserved for one of this server's admins, so it cannot sign itself up. Ask the server's " +
  "operator to create the account (npm run users -- create --email …), or an admin (Settings → Users → Add user).";

export class AdminAddressReserved extends Error {
  constructor() {
    super(ADMIN_ADDRESS_RESERVED);
  }
}

/**
 * Whether sign-up must refuse this address before hashing a password: ADMIN_EMAILS names it and someone can
 * sign in already. Sign-up proves nothing about who owns an address, so a stranger who typed it first would
 * otherwise be an admin. selfSignUp decides again atomically; this is the cheap early answer.
 */
export async function adminAddressReserved(email: string): Promise<boolean> {
  return listedAdmin(email) && (await someoneCanSignIn(getDb()));
}

/**
 * An account its owner made on /register, with the language they picked there. An address in ADMIN_EMAILS is
 * kept only if it became the first account (which is an admin anyway): that is decided in the insert itself,
 * so a sign-up racing the first one cannot slip through. Throws AdminAddressReserved, or the insert's error
 * when the email is taken.
 */
export async function selfSignUp({
  email,
  passwordHash,
  locale,
}: {
  email: string;
  passwordHash: string;
  locale: string | null;
}): Promise<User> {
  return transaction(getDb(), async (tx) => {
    const user = await createUser(tx, { email, passwordHash });
    if (listedAdmin(email) && !user.admin) throw new AdminAddressReserved();
    if (locale) await setUserLocale(tx, { userId: user.id, locale });
    return user;
  });
}
