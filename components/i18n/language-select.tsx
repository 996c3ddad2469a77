"use client";

import { useLocale, useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useId, useTransition } from "react";
import { setLanguageAction } from "@/lib/i18n/actions";
import { isLocale, LANGUAGE_NAMES, LOCALES } from "@/lib/i18n/locales";
import { useReach } from "@/components/ui/use-reach";

/**
 * "Language": switches the whole UI at once (the server re-renders in it; the URL stays). A native select:
 * it is the only select on the sign-in pages, where a Radix Select would add ~30 KB gzip of first-load JS
 * (docs/benchmarks.md, "i18n page-load cost"), and the browser's own list suits three options.
 */
export function LanguageSelect({ className }: { className?: string }) {
  const t = useTranslations("language");
  const reach = useReach();
  const locale = useLocale();
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const id = useId();
  return (
    <div className={className}>
      <label htmlFor={id} className="mb-1 block text-sm font-medium">
        {t("label")}
      </label>
      <select
        id={id}
        value={locale}
        disabled={pending}
        onChange={(e) => {
          const value = e.target.value;
          if (!isLocale(value) || value === locale) return;
          startTransition(async () => {
            const result = await reach(setLanguageAction(value));
            if (result.ok) router.refresh();
          });
        }}
        className="h-9 w-40 rounded-md border border-neutral-300 bg-white px-2.5 text-sm hover:bg-neutral-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-500 disabled:opacity-50 dark:border-neutral-700 dark:bg-neutral-900 dark:hover:bg-neutral-800"
      >
        {LOCALES.map((l) => (
          <option key={l} value={l} lang={l}>
            {LANGUAGE_NAMES[l]}
          </option>
        ))}
      </select>
    </div>
  );
}
