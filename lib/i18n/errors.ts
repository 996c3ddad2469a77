import "server-only";
import { createTranslator } from "next-intl";
import { getLocale } from "next-intl/server";
import type { SettingsErrors, SettingsField } from "@/lib/chat/types";
import type { ErrorI18n } from "@/lib/errors";
import { isLocale, type Locale } from "./locales";
import { messagesFor } from "./messages";

type ErrorKey = ErrorI18n["key"];

/**
 * Messages that reach people keep being written in English where they are thrown (lib/chat, lib/auth, zod
 * rules: `/v1` and the logs read them), and the catalogue's "errors" namespace holds the same English
 * sentences. So an English message finds its key here, and every door of the app can show it in the reader's
 * language without each thrower knowing about languages. Messages with values carry their key (AppError.i18n).
 */
const byEnglish = new Map<string, ErrorKey>(
  Object.entries(messagesFor("en").errors)
    .filter(([, english]) => !english.includes("{"))
    .map(([key, english]) => [english, key as ErrorKey]),
);

/** The catalogue key of an English message, if it has one (the chat door sends it beside the message). */
export function errorKeyOf(message: string): ErrorKey | undefined {
  return byEnglish.get(message);
}

/**
 * A sentence for people with its catalogue key, for a page to show in its reader's language: the chat door's
 * error body, and the text of a failed reply's error part (the page's readableError reads both).
 */
export const problemBody = (message: string) => ({ error: message, key: errorKeyOf(message) });

/** A message for people in `locale`; unknown English passes through unchanged (better than nothing). */
export function localizeError(locale: Locale, message: string, i18n?: ErrorI18n): string {
  const t = createTranslator({ locale, messages: messagesFor(locale), namespace: "errors" });
  if (i18n) return t(i18n.key, i18n.values as never);
  const key = byEnglish.get(message);
  return key ? t(key) : message;
}

/** localizeError in the current request's language (server actions, pages). */
export async function readerError(message: string, i18n?: ErrorI18n): Promise<string> {
  const locale = await getLocale();
  return localizeError(isLocale(locale) ? locale : "en", message, i18n);
}

/** "Too many attempts, try again in N minutes." (lib/auth/throttle.ts's English) in the reader's language. */
export async function tooManyAttempts(until: number): Promise<string> {
  const minutes = Math.max(1, Math.ceil((until - Date.now()) / 60_000));
  return readerError(`Too many attempts, try again in ${minutes} minutes.`, {
    key: "tooManyAttempts",
    values: { minutes },
  });
}

/** "Password too weak: <why>", the why (lib/auth/password.ts's English) translated too. */
export async function weakPassword(key: "passwordTooWeak" | "newPasswordTooWeak", why: string): Promise<string> {
  const min = /at least (\d+)/.exec(why)?.[1];
  const reason = min ? await readerError(why, { key: "passwordShort", values: { min } }) : await readerError(why);
  return readerError(why, { key, values: { reason } });
}

/**
 * The conversation settings' per-field messages (lib/chat/settings.ts, worded by `/v1`'s own rules in
 * lib/gateway/schema.ts) in the reader's language, the field named by the form's translated label.
 */
export async function localizeSettingsErrors(errors: SettingsErrors): Promise<SettingsErrors> {
  const locale = await getLocale();
  const t = createTranslator({ locale, messages: messagesFor(isLocale(locale) ? locale : "en") });
  const out: SettingsErrors = {};
  for (const [name, english] of Object.entries(errors) as [SettingsField, string][]) {
    const field =
      name === "thinking"
        ? t("thinking.setting")
        : name === "webSearch"
          ? t("thinking.webSearch")
          : t(`conversationSettings.${name}`);
    let m: RegExpExecArray | null;
    if (english.endsWith("must be a number.")) out[name] = t("errors.settingsNumber", { field });
    else if ((m = / must be between (\S+) and (\S+)\.$/.exec(english)))
      out[name] = t("errors.settingsRange", { field, min: m[1], max: m[2] });
    else if (english.endsWith("must be an integer.")) out[name] = t("errors.settingsInteger", { field });
    else if ((m = / must be at least (\S+)\.$/.exec(english)))
      out[name] = t("errors.settingsAtLeast", { field, min: m[1] });
    else if ((m = / can be at most (\d+) for (\S+)\.$/.exec(english)))
      out[name] = t("errors.settingsAtMost", { field, max: m[1], model: m[2] });
    else out[name] = localizeError(isLocale(locale) ? locale : "en", english);
  }
  return out;
}
