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
