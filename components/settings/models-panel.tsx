"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import {
  addModelAction,
  type ModelFormField,
  type ModelFormResult,
  setModelEnabledAction,
  updateModelAction,
} from "@/app/settings/models/actions";
import { Button } from "@/components/ui/button";
import { Dialog, DialogActions } from "@/components/ui/dialog";
import type { ModelInfo } from "@/lib/models";
import { type ModelDraft, draftOf, emptyDraft, formOf } from "./model-draft";
import { ModelFields } from "./model-fields";
import { ModelsTable } from "./models-table";
import { useReach } from "@/components/ui/use-reach";

type Errors = Partial<Record<ModelFormField, string>>;

/** /settings/models: add a model, edit one, disable or enable it. Every change applies to /v1 and the picker at once. */
export function ModelsPanel({ initial, provisioned }: { initial: ModelInfo[]; provisioned: boolean }) {
  const t = useTranslations("modelsAdmin");
  const reach = useReach();
  const [models, setModels] = useState(initial);
  const [draft, setDraft] = useState<ModelDraft>(emptyDraft);
  const [errors, setErrors] = useState<Errors>({});
  const [notice, setNotice] = useState<{ error: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [editing, setEditing] = useState<{ original: string; draft: ModelDraft; errors: Errors } | null>(null);

  /** Runs an action; true when it went through (the list is then the server's). */
  async function apply(run: () => Promise<{ ok: true; data: ModelFormResult } | { ok: false; error: string }>) {
    setBusy(true);
    setNotice(null);
    const r = await reach(run());
    setBusy(false);
    if (!r.ok) {
      setNotice({ error: true, text: r.error });
      return { ok: false as const, errors: {} };
    }
    if (r.data.ok) setModels(r.data.models);
    return r.data;
  }

  async function add(e: React.FormEvent) {
    e.preventDefault();
    const r = await apply(() => addModelAction(formOf(draft)));
    setErrors(r.ok ? {} : r.errors);
    if (r.ok) {
      setNotice({ error: false, text: t("added", { name: draft.name.trim() }) });
      setDraft(emptyDraft);
    }
  }

  async function save(e: React.FormEvent) {
    e.preventDefault();
    if (!editing) return;
    const r = await apply(() => updateModelAction({ ...formOf(editing.draft), original: editing.original }));
    if (r.ok) setEditing(null);
    else setEditing({ ...editing, errors: r.errors });
  }

  const toggle = (m: ModelInfo) => apply(() => setModelEnabledAction({ name: m.id, enabled: !m.enabled }));

  return (
    <div className="space-y-8">
      <section aria-labelledby="add-model" className="space-y-3">
        <h2 id="add-model" className="text-lg font-medium">
          {t("addHeading")}
        </h2>
        <p className="text-sm text-neutral-600 dark:text-neutral-400">{t("intro")}</p>
        {provisioned ? (
          <p className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-900 dark:bg-amber-950/40 dark:text-amber-200">
            {t("provisioned")}
          </p>
        ) : null}
        <form onSubmit={add} className="space-y-3" noValidate>
          <ModelFields idPrefix="add" draft={draft} errors={errors} onChange={setDraft} />
          <Button type="submit" busy={busy}>
            {t("addModel")}
          </Button>
        </form>
        {notice ? (
          <p role={notice.error ? "alert" : "status"} className={notice.error ? "text-sm text-red-600" : "text-sm"}>
            {notice.text}
          </p>
        ) : null}
      </section>

      <section aria-labelledby="model-list" className="space-y-3">
        <h2 id="model-list" className="text-lg font-medium">
          {t("listHeading")}
        </h2>
        <ModelsTable
          models={models}
          busy={busy}
          onEdit={(m) => setEditing({ original: m.id, draft: draftOf(m), errors: {} })}
          onToggle={toggle}
        />
      </section>

      <Dialog
        open={editing !== null}
        onOpenChange={(open) => !open && setEditing(null)}
        title={t("editTitle", { name: editing?.original ?? "" })}
        className="max-w-xl"
      >
        {editing ? (
          <form onSubmit={save} className="space-y-4" noValidate>
            <ModelFields
              idPrefix="edit"
              draft={editing.draft}
              errors={editing.errors}
              onChange={(d) => setEditing({ ...editing, draft: d })}
              nameFixed
            />
            <DialogActions cancel={t("cancel")} submit={t("save")} onCancel={() => setEditing(null)} busy={busy} />
          </form>
        ) : null}
      </Dialog>
    </div>
  );
}
