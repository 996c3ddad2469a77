"use server";

import { headers } from "next/headers";
import { getTranslations } from "next-intl/server";
import { z } from "zod";
import { getDb } from "@/db";
import { deleteAccount } from "@/db/queries/account";
import { anotherAdminExists } from "@/db/queries/users";
import { userAction } from "@/lib/actions";
import { isAdmin } from "@/lib/auth/admin";
import { forgetUsableKeys } from "@/lib/auth/api-keys";
import { signOut } from "@/lib/auth/auth";
import { verifyPassword } from "@/lib/auth/password";
import { beginPasswordCheck, tooManyAttemptsMessage } from "@/lib/auth/throttle";
import { config } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { clientAddress } from "@/lib/http/client-address";

const Confirm = z.object({ password: z.string().max(200) });

/**
 * Deletes the account and all it owns (db/queries/account.ts, one transaction), then ends this browser's
 * cookie. The password is checked with the sign-in throttle, as a password change does: a borrowed session
 * must not be able to guess it, nor delete the account without it.
 */
export const deleteAccountAction = userAction(Confirm, async ({ password }, user) => {
  const t = await getTranslations("data.deleteAccount");
  if (user.passwordHash === null) throw new AppError("forbidden", t("noPassword"));
  const address = clientAddress(await headers());
  const attempt = await beginPasswordCheck({ email: user.email, address });
  if (attempt.blockedUntil !== null)
    throw new AppError("rate_limit_exceeded", tooManyAttemptsMessage(attempt.blockedUntil));
  if (!(await verifyPassword(password, user.passwordHash)).ok)
    throw new AppError("invalid_request_error", t("wrongPassword"));
  await attempt.succeeded();
  // The last admin gone, nobody could manage models or accounts from the browser again.
  if (
    (await isAdmin(user)) &&
    !(await anotherAdminExists(getDb(), { userId: user.id, adminEmails: config().adminEmails }))
  )
    throw new AppError("forbidden", t("lastAdmin"));
  const deleted = forgetUsableKeys(await deleteAccount(getDb(), { userId: user.id }));
  await signOut({ redirect: false });
  return { conversations: deleted.conversations };
});
