import "server-only";
import { cookies, headers } from "next/headers";
import { getRequestConfig } from "next-intl/server";
import { currentUser } from "@/lib/auth/session";
import { knownTimeZone, LOCALE_COOKIE, type Locale, pickLocale, TIME_ZONE_COOKIE } from "./locales";
import { messagesFor } from "./messages";

/**
 * The language of a page or server action: the account's setting, else this browser's cookie (the Language
 * select on /login sets it), else `Accept-Language`, else English. next-intl calls this once per request
 * (next.config.mjs points its plugin here).
 */
export async function requestLocale(): Promise<Locale> {
  const user = await currentUser();
  return pickLocale({
    account: user?.locale,
    cookie: (await cookies()).get(LOCALE_COOKIE)?.value,
    acceptLanguage: (await headers()).get("accept-language"),
  });
}

/** The reader's time zone as their browser reported it (a cookie), else UTC — the same on server and client. */
export async function requestTimeZone(): Promise<string> {
  return knownTimeZone((await cookies()).get(TIME_ZONE_COOKIE)?.value);
}

export default getRequestConfig(async () => {
  const locale = await requestLocale();
  return { locale, messages: messagesFor(locale), timeZone: await requestTimeZone(), now: new Date() };
});
