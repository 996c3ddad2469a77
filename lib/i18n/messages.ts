import en from "./messages/en.json";
import ja from "./messages/ja.json";
import zhCN from "./messages/zh-CN.json";
import type { Locale } from "./locales";

/**
 * One catalogue per language. English is the source: tests/unit/i18n-catalogues.test.ts fails when a key of
 * it is missing from another catalogue (or one has a key English lacks).
 */
export type Messages = typeof en;
const catalogues: Record<Locale, Messages> = { en, "zh-CN": zhCN, ja };

export function messagesFor(locale: Locale): Messages {
  return catalogues[locale];
}

/**
 * Namespaces only server code reads (page titles, the demo notice, the not-found page) or that must not reach
 * every reader's page (the admin's key-list heading: seeing it in a page's source would tell a member it
 * exists, and the e2e set-up reads the keys page's HTML to tell an admin from a member).
 */
const SERVER_ONLY = ["meta", "notFound", "demo", "keysPage"] as const;

/** What the browser gets (NextIntlClientProvider): every namespace but the server-only ones. */
export function clientMessages(messages: Messages): Partial<Messages> {
  const out: Partial<Messages> = { ...messages };
  for (const ns of SERVER_ONLY) delete out[ns];
  return out;
}
