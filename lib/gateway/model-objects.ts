import "server-only";
import type { Catalogue, ModelInfo } from "@/lib/models";
import { modelNotFound } from "./errors";

// A fixed date: the list never changes between calls, as clients that cache it expect.
const CREATED = Math.floor(Date.UTC(2024, 0, 16) / 1000);

const modelObject = (m: ModelInfo) => ({ id: m.id, object: "model", created: CREATED, owned_by: "zhipuai" });

/** `GET /v1/models`: the catalogue's enabled models, in its order. */
export const modelList = (models: Catalogue) => ({ object: "list", data: models.enabled.map(modelObject) });

/** `GET /v1/models/{model}` (the name as it appears in the path, still URL-encoded); 404 when unknown or disabled. */
export function modelByPath(encodedName: string, models: Catalogue) {
  let name = encodedName;
  try {
    name = decodeURIComponent(encodedName);
  } catch {}
  const model = models.find(name);
  if (!model) throw modelNotFound(name, models);
  return modelObject(model);
}
