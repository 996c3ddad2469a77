import "server-only";
import { z } from "zod";
import type { ConversationSettings } from "@/db/schema";
import { maxTokensFor } from "@/lib/gateway/request";
import { temperatureField, topPField } from "@/lib/gateway/schema";
import type { ModelInfo } from "@/lib/models";
import type { ThinkingMode } from "./thinking";
import type { SettingsErrors, SettingsField } from "./types";

/** What the browser sends: numbers or nothing. The rules live in `rules()`, so each field gets its own message. */
export const SettingsInput = z.object({
  systemPrompt: z.string().optional(),
  temperature: z.number().nullish(),
  topP: z.number().nullish(),
  maxTokens: z.number().nullish(),
  /** Only for models that think optionally (lib/models.ts `thinking`); Auto is the same as leaving it out. */
  thinking: z.enum(["auto", "on", "off"]).nullish(),
  /** The composer's Web search toggle, kept with the conversation. */
  webSearch: z.boolean().nullish(),
});
export type SettingsInput = z.infer<typeof SettingsInput>;

/**
 * `/v1`'s own field schemas (the seed's ranges, the model's output limit), named by the form's labels: built
 * once per model (building a zod schema costs more than using it; every new conversation checks one).
 */
const rulesByModel = new Map<string, ReturnType<typeof buildRules>>();
function rules(info: ModelInfo | undefined) {
  // Keyed by the limits too: an admin may change a model while the process runs.
  const key = info ? `${info.id}\n${info.maxOutputTokens}\n${info.thinking}` : "";
  let r = rulesByModel.get(key);
  if (!r) rulesByModel.set(key, (r = buildRules(info)));
  return r;
}

function buildRules(info: ModelInfo | undefined) {
  const model = info?.id ?? "";
  const thinks = info?.thinking ?? "none";
  return z.object({
    systemPrompt: z.string().max(20_000, "The system prompt is limited to 20,000 characters.").optional(),
    temperature: temperatureField("Temperature"),
    topP: topPField("Top P"),
    maxTokens: info ? maxTokensFor(info, "Max tokens") : z.number().nullish(),
    thinking: thinkingField(thinks, model),
    webSearch: z.boolean().nullish(),
  });
}

/**
 * The Thinking setting for a model that thinks `mode`: the same refusals /v1 gives (lib/gateway/request.ts),
 * before they could fail every later turn. Auto (or nothing) is always accepted.
 */
export function thinkingField(mode: ThinkingMode, model: string) {
  return z
    .enum(["auto", "on", "off"])
    .nullish()
    .refine((v) => mode !== "none" || !v || v === "auto", `Thinking: ${model || "this model"} does not think`)
    .refine((v) => mode !== "always" || v !== "off", `Thinking: ${model} always thinks; it cannot be turned off`);
}

export type SettingsCheck = { ok: true; settings: ConversationSettings } | { ok: false; errors: SettingsErrors };

/** Checks every field at once and returns one readable message per field, or the settings without empty values. */
export function validateSettings(model: ModelInfo | undefined, input: SettingsInput): SettingsCheck {
  const parsed = rules(model).safeParse(input);
  if (!parsed.success) {
    const errors: SettingsErrors = {};
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as SettingsField;
      errors[field] ??= `${issue.message}.`;
    }
    return { ok: false, errors };
  }
  const v = parsed.data;
  const out: ConversationSettings = {};
  if (v.systemPrompt?.trim()) out.systemPrompt = v.systemPrompt.trim();
  if (v.temperature != null) out.temperature = v.temperature;
  if (v.topP != null) out.topP = v.topP;
  if (v.maxTokens != null) out.maxTokens = v.maxTokens;
  if (v.thinking === "on" || v.thinking === "off") out.thinking = v.thinking;
  if (v.webSearch) out.webSearch = true;
  return { ok: true, settings: out };
}

/** For callers with one error line (a new conversation's first turn): throws an Error with the first message. */
export function checkSettings(model: ModelInfo | undefined, input: SettingsInput): ConversationSettings {
  const r = validateSettings(model, input);
  if (!r.ok) throw new Error(Object.values(r.errors)[0]);
  return r.settings;
}
