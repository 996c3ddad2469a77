"use client";

import { useLocale, useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useId, useTransition } from "react";
import { setLanguageAction } from "@/lib/i18n/actions";
import { isLocale, LANGUAGE_NAMES, LOCALES } from "@/lib/i18n/locales";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";

/** "Language": switches the whole UI at once (the server re-renders in it; the URL stays). */
export function LanguageSelect({ className }: { className?: string }) {
  const t = useTranslations("language");
  const locale = useLocale();
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const id = useId();
  return (
    <div className={className}>
      <label htmlFor={id} className="mb-1 block text-sm font-medium">
        {t("label")}
      </label>
      <Select
        value={locale}
        disabled={pending}
        onValueChange={(value) => {
          if (!isLocale(value) || value === locale) return;
          startTransition(async () => {
            const result = await setLanguageAction(value);
            if (result.ok) router.refresh();
          });
        }}
      >
        <SelectTrigger id={id} className="w-40">
          <SelectValue />
        </SelectTrigger>
        <SelectContent>
          {LOCALES.map((l) => (
            <SelectItem key={l} value={l} lang={l}>
              {LANGUAGE_NAMES[l]}
            </SelectItem>
          ))}
        </SelectContent>
      </Select>
    </div>
  );
}
