import "server-only";
import { readFileSync } from "node:fs";
import { z } from "zod";
import { getDb } from "@/db";
import { listModels, type ModelFields, provisionModels, seedModels } from "@/db/queries/models";
import { MODEL_THINKING, type ModelRow } from "@/db/schema";
import { config } from "@/lib/config";
import { Catalogue, DEFAULT_MODELS, type ModelInfo } from "@/lib/models";

/**
 * The model catalogue as each process sees it: read from the database once, then kept in memory and
 * re-read every REFRESH_MS by a timer of its own, so a request never waits on it. An admin's change
 * applies at once on the instance that made it and within REFRESH_MS on the others.
 */
const REFRESH_MS = 5_000;

type Held = { value: Catalogue; refreshing?: Promise<Catalogue> };
const holder = globalThis as unknown as {
  __glmCatalogue?: Held;
  __glmCatalogueFirst?: Promise<Catalogue>;
  __glmCatalogueTimer?: NodeJS.Timeout;
};

const info = (r: ModelRow): ModelInfo => ({
  id: r.name,
  upstreamId: r.upstreamId,
  contextWindow: r.contextWindow,
  maxOutputTokens: r.maxOutputTokens,
  description: r.description,
  thinking: r.thinking,
  enabled: r.enabled,
});

async function read(): Promise<Catalogue> {
  const value = new Catalogue((await listModels(getDb())).map(info));
  holder.__glmCatalogue = { value };
  // Unref'd: a process with nothing else to do (a test, a CLI) is not kept alive by it.
  holder.__glmCatalogueTimer ??= setInterval(rereadCatalogue, REFRESH_MS).unref();
  return value;
}

/**
 * The timer's re-read (and the one in flight, if one is). It used to start from the first request that found
 * the catalogue older than REFRESH_MS: the first request after a quiet spell then paid for building and running
 * the query (~0.5–1 ms on a process gone cold, inside its time to first token). A failed read keeps the last
 * catalogue.
 */
export function rereadCatalogue(): Promise<Catalogue> | undefined {
  const held = holder.__glmCatalogue;
  if (!held) return undefined;
  held.refreshing ??= read().then(
    (value) => {
      if (rereadFailing) console.info("[models] the catalogue is read again");
      rereadFailing = false;
      return value;
    },
    (err) => {
      // Said once per outage, not every REFRESH_MS while the database is away.
      if (!rereadFailing) console.error("[models] could not re-read the catalogue; keeping the last one", err);
      rereadFailing = true;
      held.refreshing = undefined;
      return held.value;
    },
  );
  return held.refreshing;
}
let rereadFailing = false;

/** The catalogue; the first call in a process loads it (start-up does, see instrumentation.ts). */
export function modelCatalogue(): Promise<Catalogue> {
  const now = loadedCatalogue();
  return now ? Promise.resolve(now) : (holder.__glmCatalogueFirst ??= loadCatalogue());
}

/**
 * The catalogue if this process has read it (always, once start-up is done), without a promise: the gateway
 * asks on every request, and an await costs an async resource per request with Next's AsyncLocalStorage on.
 */
export function loadedCatalogue(): Catalogue | undefined {
  return holder.__glmCatalogue?.value;
}

/** After an admin's change: this instance reads the new list at once. */
export function catalogueChanged(): Promise<Catalogue> {
  return read();
}

/**
 * Start-up: MODELS_FILE, when set, is written into the catalogue (it is the list); otherwise a new
 * installation gets the default list. A file that cannot be read or is not a valid list stops the start.
 */
export async function loadCatalogue(): Promise<Catalogue> {
  const file = config().modelsFile;
  if (file) await provisionModels(getDb(), readModelsFile(file));
  else await seedModels(getDb(), DEFAULT_MODELS.map(fieldsOf));
  const catalogue = await read();
  for (const name of config().modelMap.keys())
    if (!catalogue.findAny(name))
      console.warn(`glm-chat: UPSTREAM_MODEL_MAP names ${name}, which is not in the catalogue.`);
  return catalogue;
}

const fieldsOf = (m: ModelInfo): ModelFields => ({
  name: m.id,
  upstreamId: m.upstreamId,
  contextWindow: m.contextWindow,
  maxOutputTokens: m.maxOutputTokens,
  thinking: m.thinking,
  description: m.description,
  enabled: m.enabled,
});

/** A model's name: what clients send in `model`, in a URL path (/v1/models/{name}) and in the picker. */
export const ModelName = z
  .string()
  .trim()
  .min(1, "Enter a model name")
  .max(64, "A model name is at most 64 characters")
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, "Use letters, digits and . _ : - (no spaces)");

const tokens = (max: number, tooMany: string) =>
  z
    .number({ error: "Enter a whole number of tokens" })
    .int("Enter a whole number of tokens")
    .min(1, "At least 1 token")
    .max(max, tooMany);

/** One model's fields, as the admin form and MODELS_FILE give them (English messages: errors catalogue keys). */
export const ModelInput = z
  .object({
    name: ModelName,
    upstreamId: z
      .string()
      .trim()
      .min(1, "Enter the upstream's id for the model")
      .max(128, "At most 128 characters")
      // No model server's id has a space (glm-4-air, org/Model-7B, qwen2.5:7b): one is a typo, caught here
      // rather than at someone's first message.
      .regex(/^\S+$/, "Upstream ids have no spaces"),
    contextWindow: tokens(10_000_000, "At most 10,000,000 tokens"),
    maxOutputTokens: tokens(1_000_000, "At most 1,000,000 tokens"),
    thinking: z.enum(MODEL_THINKING, { error: "Choose none, optional or always" }).default("none"),
    description: z.string().trim().max(200, "At most 200 characters").default(""),
    enabled: z.boolean().default(true),
  })
  .refine((m) => m.maxOutputTokens <= m.contextWindow, {
    path: ["maxOutputTokens"],
    message: "Cannot be more than the context window",
  });

/** Reads MODELS_FILE: a JSON list of models (or `{"models": [...]}`), names unique in any case. */
export function readModelsFile(file: string): ModelFields[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`MODELS_FILE ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const list = Array.isArray(json) ? json : (json as { models?: unknown } | null)?.models;
  if (!Array.isArray(list))
    throw new Error(`MODELS_FILE ${file}: expected a JSON list of models, or {"models": [...]}.`);
  const parsed = z.array(ModelInput).safeParse(list);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`MODELS_FILE ${file}: ${issue.path.join(".") || "the file"}: ${issue.message}`);
  }
  const seen = new Set<string>();
  for (const m of parsed.data) {
    const key = m.name.toLowerCase();
    if (seen.has(key)) throw new Error(`MODELS_FILE ${file}: the model ${m.name} is listed twice.`);
    seen.add(key);
  }
  if (!parsed.data.some((m) => m.enabled)) throw new Error(`MODELS_FILE ${file}: no model is enabled.`);
  return parsed.data;
}
