import { z } from "zod";
import type { ConversationSettings } from "@/db/schema";
import { GatewayError } from "@/lib/gateway/errors";
import { validateRequest } from "@/lib/gateway/request";

export const SettingsInput = z.object({
  systemPrompt: z.string().max(20_000, "The system prompt is limited to 20,000 characters.").optional(),
  temperature: z.number().nullish(),
  topP: z.number().nullish(),
  maxTokens: z.number().nullish(),
});

/**
 * Checks settings with the very validation `/v1` applies (the seed's ranges, the model's output limit),
 * and returns them without empty values. Throws an Error with a readable message.
 */
export function checkSettings(model: string, input: z.infer<typeof SettingsInput>): ConversationSettings {
  try {
    validateRequest({ model, messages: [{ role: "user", content: "settings check" }],
      temperature: input.temperature, top_p: input.topP, max_tokens: input.maxTokens });
  } catch (err) {
    if (err instanceof GatewayError) {
      const field = { temperature: "Temperature", top_p: "Top P", max_tokens: "Max tokens" }[err.param ?? ""];
      throw new Error(field ? `${field}: ${err.message.replace(/^Invalid '[^']+': /, "")}` : err.message);
    }
    throw err;
  }
  const out: ConversationSettings = {};
  if (input.systemPrompt?.trim()) out.systemPrompt = input.systemPrompt.trim();
  if (input.temperature != null) out.temperature = input.temperature;
  if (input.topP != null) out.topP = input.topP;
  if (input.maxTokens != null) out.maxTokens = input.maxTokens;
  return out;
}
