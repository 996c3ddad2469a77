"use client";

import { SlidersHorizontal } from "lucide-react";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { saveSettingsAction } from "@/app/(chat)/actions";
import type { ConversationSettings } from "@/lib/chat/types";
import type { SettingsErrors, SettingsField } from "@/lib/chat/types";
import { Button } from "@/components/ui/button";
import { Dialog, DialogActions } from "@/components/ui/dialog";
import { Input, Label, Textarea } from "@/components/ui/input";
import type { ThinkingMode } from "@/lib/chat/thinking";
import { ThinkingControl } from "./thinking-control";
import { useReach } from "@/components/ui/use-reach";

const num = (v: string) => (v.trim() === "" ? null : Number(v));

/** The fields typed as text; Thinking is a choice, and Web search lives in the composer. */
type TextField = Exclude<SettingsField, "thinking" | "webSearch">;
type Draft = Record<TextField, string> & { thinking: NonNullable<ConversationSettings["thinking"]> };
const draftOf = (s: ConversationSettings): Draft => ({
  systemPrompt: s.systemPrompt ?? "",
  temperature: String(s.temperature ?? ""),
  topP: String(s.topP ?? ""),
  maxTokens: String(s.maxTokens ?? ""),
  thinking: s.thinking ?? "auto",
});

/** System prompt and sampling settings for one conversation, checked by the server with `/v1`'s rules. */
export function SettingsDialog({
  id,
  model,
  thinking,
  settings,
  onSaved,
}: {
  id: string;
  model: string;
  /** Whether the model thinks (chat.tsx looks it up in the catalogue): the Thinking control follows it. */
  thinking: ThinkingMode;
  settings: ConversationSettings;
  onSaved: (s: ConversationSettings) => void;
}) {
  const t = useTranslations("conversationSettings");
  const reach = useReach();
  const [open, setOpen] = useState(false);
  // Controlled, so a refused value keeps everything as typed (a form action would reset the form).
  const [draft, setDraft] = useState<Draft>(() => draftOf(settings));
  const [errors, setErrors] = useState<SettingsErrors>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  function openDialog() {
    setDraft(draftOf(settings));
    setErrors({});
    setError(null);
    setOpen(true);
  }
  async function save(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    const r = await reach(
      saveSettingsAction({
        id,
        model,
        settings: {
          systemPrompt: draft.systemPrompt,
          temperature: num(draft.temperature),
          topP: num(draft.topP),
          maxTokens: num(draft.maxTokens),
          // Only a model that thinks optionally takes a choice; on any other it is dropped (sent as Auto).
          thinking: thinking === "optional" ? draft.thinking : null,
          webSearch: settings.webSearch ?? null,
        },
      }),
    );
    setBusy(false);
    if (!r.ok) return setError(r.error);
    setError(null);
    if (!r.data.ok) return setErrors(r.data.errors);
    setErrors({});
    onSaved(r.data.settings);
    setOpen(false);
  }
  /** Label, input and its own error, tied together for screen readers. */
  const field = (name: TextField) => ({
    id: name,
    name,
    value: draft[name],
    onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) =>
      setDraft({ ...draft, [name]: e.target.value }),
    "aria-invalid": errors[name] ? true : undefined,
    "aria-describedby": errors[name] ? `${name}-error` : undefined,
  });
  const fieldError = (name: SettingsField) =>
    errors[name] ? (
      <p id={`${name}-error`} role="alert" className="mt-1 text-xs text-red-600 dark:text-red-400">
        {errors[name]}
      </p>
    ) : null;

  return (
    <>
      <Button variant="ghost" size="icon" aria-label={t("open")} title={t("open")} onClick={openDialog}>
        <SlidersHorizontal size={16} aria-hidden />
      </Button>
      <Dialog open={open} onOpenChange={setOpen} title={t("title")} description={t("description")}>
        <form onSubmit={(e) => void save(e)} className="space-y-3" noValidate>
          <div>
            <Label htmlFor="systemPrompt">{t("systemPrompt")}</Label>
            <Textarea {...field("systemPrompt")} rows={4} placeholder={t("systemPromptPlaceholder")} />
            {fieldError("systemPrompt")}
          </div>
          <div className="grid grid-cols-3 gap-3">
            <div>
              <Label htmlFor="temperature">{t("temperature")}</Label>
              <Input {...field("temperature")} type="number" step="any" inputMode="decimal" placeholder="0.7" />
              {fieldError("temperature")}
            </div>
            <div>
              <Label htmlFor="topP">{t("topP")}</Label>
              <Input {...field("topP")} type="number" step="any" inputMode="decimal" placeholder="0.9" />
              {fieldError("topP")}
            </div>
            <div>
              <Label htmlFor="maxTokens">{t("maxTokens")}</Label>
              <Input {...field("maxTokens")} type="number" step="any" inputMode="numeric" placeholder={t("auto")} />
              {fieldError("maxTokens")}
            </div>
          </div>
          <ThinkingControl
            mode={thinking}
            value={draft.thinking}
            onChange={(v) => setDraft({ ...draft, thinking: v })}
            error={errors.thinking}
          />
          {error ? (
            <p role="alert" className="text-sm text-red-600">
              {error}
            </p>
          ) : null}
          <DialogActions cancel={t("cancel")} submit={t("save")} onCancel={() => setOpen(false)} busy={busy} />
        </form>
      </Dialog>
    </>
  );
}
