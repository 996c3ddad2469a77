import type { ModelThinking } from "@/db/schema";

/**
 * What the app knows about a model of its catalogue (db table `models`, lib/model-catalogue.ts). Plain data,
 * safe in the browser: the picker, the context meter and the charts get it from the page.
 */
export interface ModelInfo {
  /** The name clients send and see ("GLM-4-Air"); matched case-insensitively. */
  id: string;
  /** The upstream's id; UPSTREAM_MODEL_MAP may override it. */
  upstreamId: string;
  contextWindow: number;
  maxOutputTokens: number;
  /** English; the picker shows the reader's language from the catalogues' "models" namespace when it has one. */
  description: string;
  /**
   * Whether it thinks (reasoning before the answer): "none" refuses `thinking`, "optional" takes
   * `thinking: {type: "enabled" | "disabled"}`, "always" refuses only "disabled".
   */
  thinking: ModelThinking;
  /** A disabled model is refused on /v1 and left out of the picker; old replies still name it. */
  enabled: boolean;
}

const model = (
  id: string,
  contextWindow: number,
  maxOutputTokens: number,
  description: string,
  thinking: ModelThinking = "none",
  enabled = true,
): ModelInfo => ({ id, upstreamId: id.toLowerCase(), contextWindow, maxOutputTokens, description, thinking, enabled });

/**
 * The catalogue a new installation starts with: the seed's six GLM-4 models, enabled, then Zhipu's newer models,
 * disabled until an admin enables them (one click on /settings/models).
 */
export const DEFAULT_MODELS: readonly ModelInfo[] = [
  model("GLM-4-Plus", 128_000, 4095, "Most capable: hard reasoning, writing and code"),
  model("GLM-4-Air", 128_000, 4095, "Balanced quality and cost for everyday work"),
  model("GLM-4-AirX", 8_000, 4095, "Air's quality at the fastest speed; short context"),
  model("GLM-4-Long", 1_000_000, 4095, "Very long documents: up to 1M tokens of context"),
  model("GLM-4-FlashX", 128_000, 4095, "Fast and low-cost, stronger than Flash"),
  model("GLM-4-Flash", 128_000, 4095, "Free and quick: short answers and drafts"),
  model("GLM-4.7", 200_000, 128_000, "Thinks before it answers: agents, code and long tasks", "optional", false),
  model("GLM-4.7-Flash", 200_000, 128_000, "Free thinking model: quick reasoning and drafts", "optional", false),
  model("GLM-4.6", 200_000, 128_000, "Thinking model with a 200K context", "optional", false),
  model("GLM-5", 200_000, 128_000, "Zhipu's strongest: deep reasoning and long agent tasks", "optional", false),
];

/** The model new conversations start on when the account has none yet (the seed's free model). */
export const DEFAULT_MODEL_ID = "GLM-4-Flash";

/** The list as loaded: lookups by name, case-insensitively; `find` only sees enabled models. */
export class Catalogue {
  readonly enabled: readonly ModelInfo[];
  private readonly byKey: Map<string, ModelInfo>;

  constructor(readonly all: readonly ModelInfo[]) {
    this.enabled = all.filter((m) => m.enabled);
    this.byKey = new Map(all.map((m) => [m.id.toLowerCase(), m]));
  }

  /** An enabled model by any spelling of its name ("glm-4-air" finds GLM-4-Air). */
  find(name: string): ModelInfo | undefined {
    const m = this.byKey.get(name.trim().toLowerCase());
    return m?.enabled ? m : undefined;
  }

  /** Any model the catalogue has had, enabled or not (old replies, usage reports). */
  findAny(name: string): ModelInfo | undefined {
    return this.byKey.get(name.trim().toLowerCase());
  }

  /** What a new conversation starts on: the account's last model if still enabled, else GLM-4-Flash, else the first. */
  startingModel(last?: string | null): ModelInfo | undefined {
    return (last ? this.find(last) : undefined) ?? this.find(DEFAULT_MODEL_ID) ?? this.enabled[0];
  }

  /** The enabled model with the most context (offered when a prompt outgrows the selected one). */
  longest(): ModelInfo | undefined {
    return this.enabled.reduce<ModelInfo | undefined>(
      (best, m) => (!best || m.contextWindow > best.contextWindow ? m : best),
      undefined,
    );
  }
}

export function formatContext(tokens: number): string {
  return tokens >= 1_000_000 ? `${tokens / 1_000_000}M` : `${Math.round(tokens / 1000)}K`;
}

/** The seed models keep the colours people know from their charts; others get one from their name. */
const SEED_COLORS: Record<string, string> = {
  "GLM-4-Plus": "#7c3aed",
  "GLM-4-Air": "#2563eb",
  "GLM-4-AirX": "#0891b2",
  "GLM-4-Long": "#059669",
  "GLM-4-FlashX": "#d97706",
  "GLM-4-Flash": "#dc2626",
};
const PALETTE = ["#db2777", "#4f46e5", "#0d9488", "#65a30d", "#ca8a04", "#9333ea", "#0284c7", "#ea580c"];

/** A model's colour in the usage charts (readable on light and dark backgrounds); grey for "unknown model". */
export function chartColor(name: string, known: boolean): string {
  if (!known) return "#737373";
  const seed = SEED_COLORS[name];
  if (seed) return seed;
  let h = 0;
  for (const c of name) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return PALETTE[h % PALETTE.length];
}
