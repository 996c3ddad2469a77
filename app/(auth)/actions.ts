"use server";

import { AuthError } from "next-auth";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { z } from "zod";
import {
  ADMIN_ADDRESS_RESERVED,
  AdminAddressReserved,
  adminAddressReserved,
  EmailAddress,
  selfSignUp,
} from "@/lib/auth/accounts";
import { getDb } from "@/db";
import { findUserByEmail } from "@/db/queries/users";
import { signIn, signOut, TooManyAttempts } from "@/lib/auth/auth";
import { hashPassword, passwordProblem } from "@/lib/auth/password";
import { safeNext } from "@/lib/auth/safe-next";
import { recordRegistration, registrationBlockedUntil } from "@/lib/auth/throttle";
import { config } from "@/lib/config";
import { clientAddress } from "@/lib/http/client-address";
import { readerError, tooManyAttempts, weakPassword } from "@/lib/i18n/errors";
import { isLocale, LOCALE_COOKIE } from "@/lib/i18n/locales";

export interface AuthFormState {
  error?: string;
  email?: string;
}

const Credentials = z.object({
  email: EmailAddress,
  password: z.string().max(200, "Use at most 200 characters."),
});

/** Signs in, or says why not in words for the form. Throttling and the password check live in authorize
 * (lib/auth/auth.ts), so the Auth.js HTTP endpoint gets the same limits as this form. */
async function startSession(email: string, password: string): Promise<string | null> {
  try {
    // redirect: false, then our own relative redirect: the browser stays on the host it typed.
    await signIn("credentials", { email, password, redirect: false });
    return null;
  } catch (err) {
    if (err instanceof TooManyAttempts) return tooManyAttempts(err.until);
    if (err instanceof AuthError) return readerError("Wrong email or password.");
    throw err;
  }
}

export async function login(_prev: AuthFormState, form: FormData): Promise<AuthFormState> {
  const parsed = Credentials.safeParse({ email: form.get("email"), password: form.get("password") });
  const email = String(form.get("email") ?? "");
  if (!parsed.success) return { error: await readerError("Wrong email or password."), email };
  const error = await startSession(parsed.data.email, parsed.data.password);
  if (error) return { error, email };
  redirect(safeNext(form.get("next")));
}

export async function register(_prev: AuthFormState, form: FormData): Promise<AuthFormState> {
  const email = String(form.get("email") ?? "");
  if (!config().allowRegistration) return { error: (await getTranslations("auth"))("signUpClosed"), email };
  const parsed = Credentials.safeParse({ email: form.get("email"), password: form.get("password") });
  if (!parsed.success) return { error: await readerError(parsed.error.issues[0].message), email };
  const weak = passwordProblem(parsed.data.password, parsed.data.email);
  if (weak) return { error: await weakPassword("passwordTooWeak", weak), email };
  const address = clientAddress(await headers());
  const until = await registrationBlockedUntil({ address });
  if (until !== null) return { error: await tooManyAttempts(until), email };
  // Counted before the existence check too: probing which emails have accounts costs the same budget.
  await recordRegistration({ address });
  if (await findUserByEmail(getDb(), { email: parsed.data.email }))
    return { error: await readerError("An account with this email already exists. Sign in instead."), email };
  if (await adminAddressReserved(parsed.data.email)) return { error: await readerError(ADMIN_ADDRESS_RESERVED), email };
  try {
    const passwordHash = await hashPassword(parsed.data.password);
    // The language picked on the sign-up page becomes the account's, so every device follows it.
    const chosen = (await cookies()).get(LOCALE_COOKIE)?.value;
    await selfSignUp({ email: parsed.data.email, passwordHash, locale: isLocale(chosen) ? chosen : null });
  } catch (err) {
    if (err instanceof AdminAddressReserved) return { error: await readerError(ADMIN_ADDRESS_RESERVED), email };
    return { error: await readerError("An account with this email already exists. Sign in instead."), email };
  }
  await startSession(parsed.data.email, parsed.data.password);
  redirect(safeNext(form.get("next")));
}

/** Ends this browser's session row (Auth.js `events.signOut`) and its cookie. */
export async function logout(): Promise<void> {
  await signOut({ redirect: false });
  redirect("/login");
}
