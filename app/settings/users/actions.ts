"use server";

import { z } from "zod";
import { getDb } from "@/db";
import { deleteAccount } from "@/db/queries/account";
import { findUserByEmail, findUserById, listUsersAsAdmin } from "@/db/queries/users";
import { adminAction } from "@/lib/actions";
import { createWithTemporaryPassword, EmailAddress, resetToTemporaryPassword } from "@/lib/auth/accounts";
import { isAdmin } from "@/lib/auth/admin";
import { forgetUsableKeys } from "@/lib/auth/api-keys";
import { AppError } from "@/lib/errors";
import type { UserRow } from "@/lib/users/types";

/**
 * Settings → Users, for admins: the team's accounts, added by an admin with a temporary password (which works
 * whether or not ALLOW_REGISTRATION is open), a forgotten password reset, an account removed. Nobody acts on
 * their own account here (Settings → Account and Data do that), and an admin (the row's mark or ADMIN_EMAILS,
 * as isAdmin decides it everywhere) is not removed or reset by another: that is for whoever runs the server
 * (npm run users, ADMIN_EMAILS).
 */

/** Who did what to whose account, in the server's log: the operator's record of admins' actions. */
const audit = (admin: { email: string }, what: string, email: string) =>
  console.log(`[users] ${admin.email} ${what} ${email}`);

/** Every account, `admin` as isAdmin decides it (the row's mark or ADMIN_EMAILS). */
const withAdminFlags = async (): Promise<UserRow[]> =>
  Promise.all((await listUsersAsAdmin(getDb())).map(async (u) => ({ ...u, admin: await isAdmin(u) })));

export const listUsersAction = adminAction(z.object({}), () => withAdminFlags());

/** A new member with a temporary password, shown to the admin once. */
export const addUserAction = adminAction(z.object({ email: EmailAddress }), async ({ email }, admin) => {
  if (await findUserByEmail(getDb(), { email })) {
    throw new AppError("invalid_request_error", "An account with this email already exists.");
  }
  const { user, password } = await createWithTemporaryPassword(email);
  // An address in ADMIN_EMAILS is an admin from the start (sign-up refuses it, so adding it here is how it
  // is made): like every admin it is then out of this page's reach, and the log says so.
  audit(admin, (await isAdmin(user)) ? "added the admin (ADMIN_EMAILS)" : "added", email);
  return { password, users: await withAdminFlags() };
});

/** Another member's account, which the admin may act on (not their own, not an admin's). */
async function memberAccount(userId: string, admin: { id: string }) {
  if (userId === admin.id) {
    throw new AppError("invalid_request_error", "Manage your own account in Settings → Account and Data.");
  }
  const user = await findUserById(getDb(), { userId });
  if (!user) throw new AppError("not_found", "This account no longer exists.");
  if (await isAdmin(user)) throw new AppError("forbidden", "Another admin's account cannot be changed here.");
  return user;
}

const Target = z.object({ userId: z.string().max(100) });

/** A new temporary password; every session of that account ends, so whoever had it is signed out. */
export const resetPasswordAction = adminAction(Target, async ({ userId }, admin) => {
  const user = await memberAccount(userId, admin);
  const { password } = await resetToTemporaryPassword(user.id);
  audit(admin, "reset the password of", user.email);
  return { password };
});

/** The account and everything it owns, as its owner's own deletion does (one transaction); its keys stop at once. */
export const removeUserAction = adminAction(Target, async ({ userId }, admin) => {
  const user = await memberAccount(userId, admin);
  forgetUsableKeys(await deleteAccount(getDb(), { userId: user.id }));
  audit(admin, "removed", user.email);
  return { users: await withAdminFlags() };
});
