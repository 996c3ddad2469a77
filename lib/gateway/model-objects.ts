import "server-only";
import { findModel, type ModelInfo, MODELS } from "@/lib/models";
import { modelNotFound } from "./errors";

// A fixed date: the list never changes between calls, as clients that cache it expect.
const CREATED = Math.floor(Date.UTC(2024, 0, 16) / 1000);

const modelObject = (m: ModelInfo) => ({ id: m.id, object: "model", created: CREATED, owned_by: "zhipuai" });

/** `GET /v1/models`. */
export const modelList = () => ({ object: "list", data: MODELS.map(modelObject) });

/** `GET /v1/models/{model}` (the name as it appears in the path, still URL-encoded); 404 when unknown. */
export function modelByPath(encodedName: string) {
  let name = encodedName;
  try {
    name = decodeURIComponent(encodedName);
  } catch {}
  const model = findModel(name);
  if (!model) throw modelNotFound(name);
  return modelObject(model);
}
