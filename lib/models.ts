/** The six public GLM-4 models the seed names, and what the gateway needs to know about each. */
export interface ModelInfo {
  /** The name clients send and see, exactly as the seed spells it. */
  id: string;
  /** Zhipu's id; UPSTREAM_MODEL_MAP may override it. */
  upstreamId: string;
  contextWindow: number;
  maxOutputTokens: number;
  /** English; the picker shows the reader's language from the catalogues' "models" namespace (this is its fallback). */
  description: string;
  /** The model's colour in the usage charts (readable on light and dark backgrounds). */
  chartColor: string;
  /**
   * Whether it thinks (reasoning before the answer): "none" refuses `thinking`, "optional" takes
   * `thinking: {type: "enabled" | "disabled"}`, "always" refuses only "disabled". Absent: "none".
   */
  thinking?: "none" | "optional" | "always";
}

export const MODELS: readonly ModelInfo[] = [
  {
    id: "GLM-4-Plus",
    chartColor: "#7c3aed",
    upstreamId: "glm-4-plus",
    contextWindow: 128_000,
    maxOutputTokens: 4095,
    description: "Most capable: hard reasoning, writing and code",
  },
  {
    id: "GLM-4-Air",
    chartColor: "#2563eb",
    upstreamId: "glm-4-air",
    contextWindow: 128_000,
    maxOutputTokens: 4095,
    description: "Balanced quality and cost for everyday work",
  },
  {
    id: "GLM-4-AirX",
    chartColor: "#0891b2",
    upstreamId: "glm-4-airx",
    contextWindow: 8_000,
    maxOutputTokens: 4095,
    description: "Air's quality at the fastest speed; short context",
  },
  {
    id: "GLM-4-Long",
    chartColor: "#059669",
    upstreamId: "glm-4-long",
    contextWindow: 1_000_000,
    maxOutputTokens: 4095,
    description: "Very long documents: up to 1M tokens of context",
  },
  {
    id: "GLM-4-FlashX",
    chartColor: "#d97706",
    upstreamId: "glm-4-flashx",
    contextWindow: 128_000,
    maxOutputTokens: 4095,
    description: "Fast and low-cost, stronger than Flash",
  },
  {
    id: "GLM-4-Flash",
    chartColor: "#dc2626",
    upstreamId: "glm-4-flash",
    contextWindow: 128_000,
    maxOutputTokens: 4095,
    description: "Free and quick: short answers and drafts",
  },
] as const;

export const DEFAULT_MODEL_ID = "GLM-4-Flash";

const byLowerName = new Map(MODELS.map((m) => [m.id.toLowerCase(), m]));

/** Case-insensitive lookup of a public model name ("glm-4-air" finds GLM-4-Air). */
export function findModel(name: string): ModelInfo | undefined {
  return byLowerName.get(name.trim().toLowerCase());
}

export function formatContext(tokens: number): string {
  return tokens >= 1_000_000 ? `${tokens / 1_000_000}M` : `${Math.round(tokens / 1000)}K`;
}
