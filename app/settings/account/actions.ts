"use server";

import { headers } from "next/headers";
import { z } from "zod";
import { getDb, transaction } from "@/db";
import { setPasswordHash } from "@/db/queries/users";
import type { User } from "@/db/schema";
import { userAction } from "@/lib/actions";
import { AppError } from "@/lib/errors";
import { signOut } from "@/lib/auth/auth";
import { hashPassword, passwordProblem, verifyPassword } from "@/lib/auth/password";
import { currentSession } from "@/lib/auth/session";
import { endUserSessions } from "@/lib/auth/sessions";
import { beginPasswordCheck, tooManyAttemptsMessage } from "@/lib/auth/throttle";
import { clientAddress } from "@/lib/http/client-address";
import { weakPassword } from "@/lib/i18n/errors";

/**
 * Ends every session of this account, this browser's too; the client then goes to /login. Open to an account
 * still on a temporary password, like signing out.
 */
export const signOutEverywhereAction = userAction(
  z.object({}),
  async (_input, user) => {
    const ended = await endUserSessions({ userId: user.id });
    await signOut({ redirect: false });
    return { ended };
  },
  { beforeNewPassword: true },
);

const PasswordChange = z.object({
  currentPassword: z.string().min(1, "Enter your current password.").max(200, "Use at most 200 characters."),
  newPassword: z.string().max(200, "Use at most 200 characters."),
});

/**
 * Checks the current password (with the same per-account throttle as sign-in: a borrowed session must not
 * become a password oracle), stores the new hash, and ends every other session — whoever else had a cookie
 * is out, this browser stays in. Settings → Account, and the page an account on a temporary password is sent
 * to (app/(auth)/change-password): the password its owner chooses clears that mark.
 */
export const changePasswordAction = userAction(PasswordChange, changePassword, { beforeNewPassword: true });

async function changePassword(
  { currentPassword, newPassword }: z.output<typeof PasswordChange>,
  user: User,
): Promise<{ endedSessions: number }> {
  const address = clientAddress(await headers());
  const attempt = await beginPasswordCheck({ email: user.email, address });
  const until = attempt.blockedUntil;
  if (until !== null)
    throw new AppError("rate_limit_exceeded", tooManyAttemptsMessage(until), {
      i18n: { key: "tooManyAttempts", values: { minutes: Math.max(1, Math.ceil((until - Date.now()) / 60_000)) } },
    });
  if (!(await verifyPassword(currentPassword, user.passwordHash)).ok)
    throw new AppError("invalid_request_error", "Your current password is not right.");
  await attempt.succeeded();
  const weak = passwordProblem(newPassword, user.email);
  if (weak) throw new AppError("invalid_request_error", await weakPassword("newPasswordTooWeak", weak));
  // The current one has just been checked: the same text is the same password (the temporary one, if marked).
  if (newPassword === currentPassword)
    throw new AppError(
      "invalid_request_error",
      user.mustChangePassword
        ? "Choose a password different from the temporary one."
        : "Choose a password different from the current one.",
    );
  const session = await currentSession();
  if (!session) throw new AppError("session_ended", "Your session has ended. Sign in again.");
  const passwordHash = await hashPassword(newPassword);
  const ended = await transaction(getDb(), async (tx) => {
    await setPasswordHash(tx, { userId: user.id, passwordHash, mustChangePassword: false });
    return endUserSessions({ userId: user.id, keep: session.sessionId }, tx);
  });
  return { endedSessions: ended };
}
