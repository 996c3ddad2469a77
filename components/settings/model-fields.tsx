"use client";

import { useTranslations } from "next-intl";
import type { ModelFormField } from "@/app/settings/models/actions";
import { Input, Label, Textarea } from "@/components/ui/input";
import { MODEL_THINKING_MODES, type ModelDraft } from "./model-draft";

/**
 * The fields of a model, for Add model and Edit: controlled, so a refused form keeps what was typed, each
 * field with its own message under it. `idPrefix` keeps the ids unique when the add form and the dialog coexist.
 */
export function ModelFields({
  idPrefix,
  draft,
  errors,
  onChange,
  nameFixed = false,
}: {
  idPrefix: string;
  draft: ModelDraft;
  errors: Partial<Record<ModelFormField, string>>;
  onChange: (draft: ModelDraft) => void;
  /** Edit: the name is how conversations, API clients and usage know the model, so it stays. */
  nameFixed?: boolean;
}) {
  const t = useTranslations("modelsAdmin");
  const field = (name: ModelFormField) => ({
    id: `${idPrefix}-${name}`,
    name,
    value: draft[name],
    "aria-invalid": errors[name] ? true : undefined,
    "aria-describedby": errors[name] ? `${idPrefix}-${name}-error` : undefined,
    onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>) =>
      onChange({ ...draft, [name]: e.target.value }),
  });
  const error = (name: ModelFormField) =>
    errors[name] ? (
      <p id={`${idPrefix}-${name}-error`} className="mt-1 text-xs text-red-600 dark:text-red-400">
        {errors[name]}
      </p>
    ) : null;
  return (
    <div className="grid gap-3 sm:grid-cols-2">
      <div>
        <Label htmlFor={`${idPrefix}-name`}>{t("name")}</Label>
        <Input
          {...field("name")}
          required
          maxLength={64}
          placeholder="GLM-4.7"
          autoComplete="off"
          readOnly={nameFixed}
          className={
            nameFixed ? "bg-neutral-100 text-neutral-600 dark:bg-neutral-800 dark:text-neutral-300" : undefined
          }
          aria-describedby={nameFixed ? `${idPrefix}-name-fixed` : field("name")["aria-describedby"]}
        />
        {error("name")}
        {nameFixed ? (
          <p id={`${idPrefix}-name-fixed`} className="mt-1 text-xs text-neutral-500 dark:text-neutral-400">
            {t("nameFixed")}
          </p>
        ) : null}
      </div>
      <div>
        <Label htmlFor={`${idPrefix}-upstreamId`}>{t("upstreamId")}</Label>
        <Input {...field("upstreamId")} required maxLength={128} placeholder="glm-4.7" autoComplete="off" />
        {error("upstreamId")}
      </div>
      <div>
        <Label htmlFor={`${idPrefix}-contextWindow`}>{t("contextWindow")}</Label>
        <Input {...field("contextWindow")} required type="number" inputMode="numeric" min={1} step={1} />
        {error("contextWindow")}
      </div>
      <div>
        <Label htmlFor={`${idPrefix}-maxOutputTokens`}>{t("maxOutputTokens")}</Label>
        <Input {...field("maxOutputTokens")} required type="number" inputMode="numeric" min={1} step={1} />
        {error("maxOutputTokens")}
      </div>
      <div>
        <Label htmlFor={`${idPrefix}-thinking`}>{t("thinking")}</Label>
        {/* A native select: it works in every browser and screen reader, and costs no script. */}
        <select
          {...field("thinking")}
          className="h-9 w-full rounded-md border border-neutral-300 bg-white px-2 text-sm dark:border-neutral-700 dark:bg-neutral-900"
        >
          {MODEL_THINKING_MODES.map((m) => (
            <option key={m} value={m}>
              {t(`thinkingModes.${m}`)}
            </option>
          ))}
        </select>
        {error("thinking")}
      </div>
      <div className="sm:col-span-2">
        <Label htmlFor={`${idPrefix}-description`}>{t("description")}</Label>
        <Textarea {...field("description")} rows={2} maxLength={200} />
        {error("description")}
      </div>
    </div>
  );
}
