import "server-only";
import type { User } from "@/db/schema";
import {
  isLocale,
  knownTimeZone,
  LOCALE_COOKIE,
  matchAcceptLanguage,
  TIME_ZONE_COOKIE,
  type Locale,
} from "@/lib/i18n/locales";
import { messagesFor } from "@/lib/i18n/messages";
import type { MarkdownLabels } from "./archive";

/** A route handler's language, as pages choose it (lib/i18n/request.ts): account, cookie, Accept-Language. */
function routeLocale(req: Request, user: User): Locale {
  if (isLocale(user.locale)) return user.locale;
  const cookie = cookieOf(req, LOCALE_COOKIE);
  if (isLocale(cookie)) return cookie;
  return matchAcceptLanguage(req.headers.get("accept-language")) ?? "en";
}

const cookieOf = (req: Request, name: string) =>
  (req.headers.get("cookie") ?? "")
    .split(";")
    .map((p) => p.trim())
    .find((p) => p.startsWith(`${name}=`))
    ?.slice(name.length + 1);

/** The reader's time zone as their browser reported it (the pages' cookie), else UTC, said as such. */
function timeZone(req: Request): string {
  const raw = cookieOf(req, TIME_ZONE_COOKIE);
  try {
    return knownTimeZone(raw && decodeURIComponent(raw));
  } catch {
    return "UTC"; // not decodable
  }
}

/** The Markdown export's headings and times in the reader's language and time zone. */
export const markdownLabels = (req: Request, user: User): MarkdownLabels => {
  const locale = routeLocale(req, user);
  const m = messagesFor(locale);
  const format = new Intl.DateTimeFormat(locale, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZone: timeZone(req),
    timeZoneName: "short",
  });
  return { ...m.data.markdown, ...m.thinking.markdown, time: (ms) => format.format(ms) };
};
