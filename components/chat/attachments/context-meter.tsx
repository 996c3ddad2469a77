"use client";

import { useTranslations } from "next-intl";
import { Button } from "@/components/ui/button";
import { type Catalogue, formatContext } from "@/lib/models";
import { useModels } from "../models-context";

/** Whether a prompt of `tokens` fits the model's context window. */
export const fitsContext = (models: Catalogue, model: string, tokens: number) =>
  tokens <= (models.find(model)?.contextWindow ?? Infinity);

/**
 * Before sending: the prompt's estimated tokens against the selected model's context. Over the limit it
 * says so (the composer will not send: upstream would refuse) and offers the enabled model with the most
 * context (GLM-4-Long in the default catalogue).
 * Shown once there is something to estimate that matters: documents attached, or over half the context.
 */
export const TOKEN_COUNT = new Intl.NumberFormat("en", { notation: "compact", maximumFractionDigits: 1 });

export function ContextMeter({
  model,
  tokens,
  hasFiles,
  onSwitch,
}: {
  model: string;
  tokens: number;
  hasFiles: boolean;
  onSwitch: (model: string) => void;
}) {
  const t = useTranslations("attachments");
  const models = useModels();
  const info = models.find(model);
  if (!info) return null;
  const over = tokens > info.contextWindow;
  if (!over && !hasFiles && tokens < info.contextWindow / 2) return null;
  // K and M in every language, as the context beside it is written ("128K", "1M", as Zhipu's own Chinese and
  // Japanese pages write them): "2.3万 / 128K" mixed two systems in one figure.
  const count = TOKEN_COUNT.format(tokens);
  const context = formatContext(info.contextWindow);
  if (!over)
    return (
      <p className="mx-auto w-full max-w-3xl px-4 text-xs text-neutral-500 dark:text-neutral-400">
        {t("estimate", { tokens: count, context })}
      </p>
    );
  // The model offered when a prompt outgrows the selected one: the one with the most context.
  const longest = models.longest();
  const canSwitch = longest && longest.id !== info.id && tokens <= longest.contextWindow;
  return (
    <div
      role="alert"
      className="mx-auto flex w-full max-w-3xl flex-wrap items-center gap-2 px-4 text-sm text-amber-900 dark:text-amber-200"
    >
      <span className="flex-1">
        {canSwitch ? t("overLimit", { tokens: count, model: info.id, context }) : t("overLimitLong", { tokens: count })}
      </span>
      {canSwitch ? (
        <Button size="sm" variant="secondary" onClick={() => onSwitch(longest.id)}>
          {t("switchModel", { model: longest.id })}
        </Button>
      ) : null}
    </div>
  );
}
