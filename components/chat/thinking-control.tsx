"use client";

import { useTranslations } from "next-intl";
import { ToggleGroup, ToggleGroupItem } from "@/components/ui/toggle-group";
import type { ThinkingMode } from "@/lib/chat/thinking";
import type { ConversationSettings } from "@/lib/chat/types";

type Choice = NonNullable<ConversationSettings["thinking"]>;
const CHOICES: Choice[] = ["auto", "on", "off"];

/**
 * The conversation's Thinking setting (Auto / On / Off), a radio group. Shown only for models that think
 * optionally; one that always thinks gets a line saying so, one that does not think nothing at all.
 */
export function ThinkingControl({
  mode,
  value,
  onChange,
  error,
}: {
  mode: ThinkingMode;
  value: Choice;
  onChange: (v: Choice) => void;
  error?: string;
}) {
  const t = useTranslations("thinking");
  if (mode === "none") return null;
  if (mode === "always") return <p className="text-sm text-neutral-500 dark:text-neutral-400">{t("always")}</p>;
  return (
    <div>
      <p id="thinking-label" className="mb-1 block text-sm font-medium">
        {t("setting")}
      </p>
      <ToggleGroup
        type="single"
        value={value}
        // Pressing the chosen item again would clear it: there is always a choice.
        onValueChange={(v) => v && onChange(v as Choice)}
        aria-labelledby="thinking-label"
        aria-describedby="thinking-help"
      >
        {CHOICES.map((c) => (
          <ToggleGroupItem key={c} value={c}>
            {t(c)}
          </ToggleGroupItem>
        ))}
      </ToggleGroup>
      <p id="thinking-help" className="mt-1 text-xs text-neutral-500 dark:text-neutral-400">
        {t("settingHelp")}
      </p>
      {error ? (
        <p role="alert" className="mt-1 text-xs text-red-600 dark:text-red-400">
          {t("notAvailable")}
        </p>
      ) : null}
    </div>
  );
}
