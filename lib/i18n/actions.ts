"use server";

import { cookies } from "next/headers";
import { getDb } from "@/db";
import { setUserLocale } from "@/db/queries/users";
import { currentUser } from "@/lib/auth/session";
import { readerError } from "./errors";
import { isLocale, LOCALE_COOKIE, type Locale } from "./locales";

/**
 * The Language select (sign-in, sign-up, Settings): remembered in this browser (a cookie) and, when signed
 * in, on the account, so every device the user signs in on follows it. Signed-out callers are allowed: the
 * sign-in page offers the choice before there is an account. The client refreshes to re-render in it.
 */
export async function setLanguageAction(locale: Locale): Promise<{ ok: true } | { ok: false; error: string }> {
  if (!isLocale(locale)) return { ok: false, error: await readerError("Unknown language.") };
  (await cookies()).set(LOCALE_COOKIE, locale, { path: "/", maxAge: 365 * 24 * 3600, sameSite: "lax" });
  const user = await currentUser();
  if (user) await setUserLocale(getDb(), { userId: user.id, locale });
  return { ok: true };
}
