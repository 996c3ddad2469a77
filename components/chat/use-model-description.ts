"use client";

import { useTranslations } from "next-intl";
import { DEFAULT_MODELS, type ModelInfo } from "@/lib/models";

/**
 * A shipped model's blurb in the reader's language (catalogue keys cannot hold dots: GLM-4.7 is GLM-4_7);
 * a description an admin wrote is shown as written. For the Model picker and the admin's list of models.
 */
export function useModelDescription() {
  const tm = useTranslations("models");
  return (m: ModelInfo) => {
    const key = m.id.replaceAll(".", "_");
    const shipped = DEFAULT_MODELS.find((d) => d.id === m.id)?.description === m.description;
    return shipped && tm.has(key as never) ? tm(key as never) : m.description;
  };
}
