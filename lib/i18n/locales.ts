/**
 * The UI's languages. Client-safe (the Language select imports it). Where a request's language comes from:
 * lib/i18n/request.ts. URLs never carry the language; `<html lang>` does.
 */
export const LOCALES = ["en", "zh-CN", "ja"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "en";

/** The Language select's options, each in its own language (as every peer lists them). */
export const LANGUAGE_NAMES: Record<Locale, string> = { en: "English", "zh-CN": "简体中文", ja: "日本語" };

/** A browser's choice when signed out (and on a device the account has not set it on). */
export const LOCALE_COOKIE = "glm-locale";
/** The reader's IANA time zone, written by the browser so server-rendered times match the client's. */
export const TIME_ZONE_COOKIE = "glm-tz";

/** A time zone the cookie named, if this runtime knows it; else UTC (pages and downloads alike). */
export function knownTimeZone(tz: string | undefined): string {
  if (!tz) return "UTC";
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return tz;
  } catch {
    return "UTC";
  }
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

/**
 * The best of our languages for an `Accept-Language` header (q-values honoured; `zh`, `zh-Hans`, `zh-CN`,
 * `zh-SG` → zh-CN; `ja-JP` → ja; `en-GB` → en), or null when none of them is acceptable.
 */
export function matchAcceptLanguage(header: string | null | undefined): Locale | null {
  if (!header) return null;
  const ranked = header
    .split(",")
    .map((part, i) => {
      const [tag, ...params] = part.trim().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      return { tag: tag.trim().toLowerCase(), q: q ? Number(q.slice(2)) : 1, i };
    })
    .filter((r) => r.tag && r.q > 0 && !Number.isNaN(r.q))
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const { tag } of ranked) {
    const found = localeForTag(tag);
    if (found) return found;
  }
  return null;
}

function localeForTag(tag: string): Locale | null {
  const [language, ...rest] = tag.split("-");
  if (language === "en") return "en";
  if (language === "ja") return "ja";
  // Traditional Chinese readers are better served by English than by Simplified they did not ask for.
  if (language === "zh")
    return rest.some((s) => s === "hant" || s === "tw" || s === "hk" || s === "mo") ? null : "zh-CN";
  return null;
}

/**
 * A request's language: the account's setting, else this browser's cookie (the Language select on /login
 * sets it), else `Accept-Language`, else English. Pure, so the order is tested without Next.
 */
export function pickLocale(from: {
  account?: string | null;
  cookie?: string | null;
  acceptLanguage?: string | null;
}): Locale {
  if (isLocale(from.account)) return from.account;
  if (isLocale(from.cookie)) return from.cookie;
  return matchAcceptLanguage(from.acceptLanguage) ?? DEFAULT_LOCALE;
}
