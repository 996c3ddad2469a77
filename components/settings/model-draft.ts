import type { ModelInfo } from "@/lib/models";

/** The model form as typed (numbers stay text until sent, so nothing typed is lost to a parse). */
export interface ModelDraft {
  name: string;
  upstreamId: string;
  contextWindow: string;
  maxOutputTokens: string;
  thinking: string;
  description: string;
}

export const MODEL_THINKING_MODES = ["none", "optional", "always"] as const;

export const emptyDraft: ModelDraft = {
  name: "",
  upstreamId: "",
  contextWindow: "128000",
  maxOutputTokens: "4095",
  thinking: "none",
  description: "",
};

export const draftOf = (m: ModelInfo): ModelDraft => ({
  name: m.id,
  upstreamId: m.upstreamId,
  contextWindow: String(m.contextWindow),
  maxOutputTokens: String(m.maxOutputTokens),
  thinking: m.thinking,
  description: m.description,
});

/** What the actions take: numbers as numbers (NaN when not a number, which the server names per field). */
export const formOf = (d: ModelDraft) => ({
  ...d,
  contextWindow: d.contextWindow.trim() === "" ? Number.NaN : Number(d.contextWindow),
  maxOutputTokens: d.maxOutputTokens.trim() === "" ? Number.NaN : Number(d.maxOutputTokens),
});
