"use client";

import { useTranslations } from "next-intl";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { formatContext } from "@/lib/models";
import { useModels } from "./models-context";
import { useModelDescription } from "./use-model-description";

/** The Model control: each option is named exactly by the model, with its blurb and context size beside it. */
export function ModelPicker({
  value,
  onChange,
  disabled,
}: {
  value: string;
  onChange: (model: string) => void;
  disabled?: boolean;
}) {
  const t = useTranslations("chat");
  const describe = useModelDescription();
  const models = useModels();
  return (
    <Select value={value} onValueChange={onChange} disabled={disabled}>
      <SelectTrigger aria-label={t("model")} className="h-8 font-medium">
        <SelectValue />
      </SelectTrigger>
      <SelectContent className="w-[min(22rem,calc(100vw-1rem))]">
        {models.enabled.map((m) => (
          <SelectItem
            key={m.id}
            value={m.id}
            aria-label={m.id}
            description={t("modelOption", {
              description: describe(m),
              context: formatContext(m.contextWindow),
            })}
          >
            <span className="font-medium">{m.id}</span>
          </SelectItem>
        ))}
      </SelectContent>
    </Select>
  );
}
