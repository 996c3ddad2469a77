"use client";

import { useTranslations } from "next-intl";
import { Button } from "@/components/ui/button";
import { formatContext } from "@/lib/models";
import { TOKEN_COUNT } from "./attachments/context-meter";
import { useModels } from "./models-context";

/**
 * Regenerate, Continue or an edit held back because the model's context cannot take the conversation: what
 * Send's meter says, said for the button just pressed (nothing was sent, nothing replaced), with the same
 * offer of the enabled model with the most context.
 */
export function ContextRefusal({
  model,
  tokens,
  onSwitch,
}: {
  model: string;
  tokens: number;
  onSwitch: (model: string) => void;
}) {
  const t = useTranslations("chat");
  const ta = useTranslations("attachments");
  const models = useModels();
  const info = models.find(model);
  const longest = models.longest();
  const canSwitch = info && longest && longest.id !== info.id && tokens <= longest.contextWindow;
  const count = TOKEN_COUNT.format(tokens);
  return (
    <div
      role="alert"
      className="mx-auto flex w-full max-w-3xl flex-wrap items-center gap-2 px-4 text-sm text-amber-900 dark:text-amber-200"
    >
      <span className="flex-1">
        {canSwitch
          ? t("overContext", { tokens: count, model, context: formatContext(info.contextWindow) })
          : t("overContextLong", { tokens: count })}
      </span>
      {canSwitch ? (
        <Button size="sm" variant="secondary" onClick={() => onSwitch(longest.id)}>
          {ta("switchModel", { model: longest.id })}
        </Button>
      ) : null}
    </div>
  );
}
