"use server";

import { z } from "zod";
import { getDb } from "@/db";
import { addModel, setModelEnabled, updateModel } from "@/db/queries/models";
import { adminAction } from "@/lib/actions";
import { AppError } from "@/lib/errors";
import { readerError } from "@/lib/i18n/errors";
import { catalogueChanged, ModelInput } from "@/lib/model-catalogue";
import type { ModelInfo } from "@/lib/models";

/** The form as typed; ModelInput's rules give each field its own message (a refused form keeps what was typed). */
const ModelForm = z.object({
  name: z.string().max(200),
  upstreamId: z.string().max(500),
  // NaN: a field left empty or not a number, which ModelInput names.
  contextWindow: z.number().or(z.nan()),
  maxOutputTokens: z.number().or(z.nan()),
  thinking: z.string().max(20),
  description: z.string().max(2000),
});
type ModelForm = z.output<typeof ModelForm>;
export type ModelFormField = keyof ModelForm;
export type ModelFormResult =
  | { ok: true; models: ModelInfo[] }
  | { ok: false; errors: Partial<Record<ModelFormField, string>> };

async function check(form: ModelForm) {
  const parsed = ModelInput.safeParse({ ...form, enabled: true });
  if (parsed.success) return { ok: true as const, fields: parsed.data };
  const errors: Partial<Record<ModelFormField, string>> = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0] as ModelFormField;
    errors[field] ??= await readerError(issue.message);
  }
  return { ok: false as const, errors };
}

const refreshed = async (): Promise<ModelFormResult> => ({ ok: true, models: [...(await catalogueChanged()).all] });
const nameTaken = async (): Promise<ModelFormResult> => ({
  ok: false,
  errors: { name: await readerError("A model of this name exists already") },
});

/** Adds a model (enabled) at the end of the catalogue. */
export const addModelAction = adminAction(ModelForm, async (form): Promise<ModelFormResult> => {
  const c = await check(form);
  if (!c.ok) return c;
  if (!(await addModel(getDb(), c.fields))) return nameTaken();
  return refreshed();
});

const NAME_FIXED =
  "A model keeps its name: conversations, API clients and usage know it by it. To offer it under another name, add a new model and disable this one.";

/** Edits a model found by its current name (`original`); it keeps its place and whether it is enabled. */
export const updateModelAction = adminAction(
  ModelForm.extend({ original: z.string().max(64) }),
  async ({ original, ...form }): Promise<ModelFormResult> => {
    // Renamed, conversations on the model went on with another and its usage read "unknown model": the name is
    // how they (and API clients) know it. Another name is another model: add it, and disable this one.
    if (form.name.trim().toLowerCase() !== original.trim().toLowerCase())
      return { ok: false, errors: { name: await readerError(NAME_FIXED) } };
    const c = await check(form);
    if (!c.ok) return c;
    const { enabled: _enabled, ...fields } = c.fields;
    const r = await updateModel(getDb(), { name: original, fields });
    if (r === "taken") return nameTaken();
    if (r === "missing") throw new AppError("not_found", "This model does not exist.");
    return refreshed();
  },
);

/** Disable / Enable: a disabled model leaves the picker and /v1 at once; old replies keep its name. */
export const setModelEnabledAction = adminAction(
  z.object({ name: z.string().max(64), enabled: z.boolean() }),
  async ({ name, enabled }): Promise<ModelFormResult> => {
    const r = await setModelEnabled(getDb(), { name, enabled });
    if (r === "missing") throw new AppError("not_found", "This model does not exist.");
    if (r === "last") throw new AppError("invalid_request_error", "At least one model must stay enabled.");
    return refreshed();
  },
);
