import "server-only";
import type { User } from "@/db/schema";
import { isLocale, LOCALE_COOKIE, matchAcceptLanguage, type Locale } from "@/lib/i18n/locales";
import { messagesFor } from "@/lib/i18n/messages";
import type { MarkdownLabels } from "./archive";

/** A route handler's language, as pages choose it (lib/i18n/request.ts): account, cookie, Accept-Language. */
function routeLocale(req: Request, user: User): Locale {
  if (isLocale(user.locale)) return user.locale;
  const cookie = (req.headers.get("cookie") ?? "")
    .split(";")
    .map((p) => p.trim())
    .find((p) => p.startsWith(`${LOCALE_COOKIE}=`))
    ?.slice(LOCALE_COOKIE.length + 1);
  if (isLocale(cookie)) return cookie;
  return matchAcceptLanguage(req.headers.get("accept-language")) ?? "en";
}

/** The Markdown export's headings in the reader's language. */
export const markdownLabels = (req: Request, user: User): MarkdownLabels => {
  const m = messagesFor(routeLocale(req, user));
  return { ...m.data.markdown, ...m.thinking.markdown };
};
