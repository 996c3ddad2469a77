"use client";

import { createContext, type ReactNode, useContext } from "react";
import { Catalogue } from "@/lib/models";

const ModelsContext = createContext<Catalogue>(new Catalogue([]));

/** The catalogue's enabled models, as the page read them, for the picker, the context meter and the settings. */
export function ModelsProvider({ catalogue, children }: { catalogue: Catalogue; children: ReactNode }) {
  return <ModelsContext.Provider value={catalogue}>{children}</ModelsContext.Provider>;
}

export const useModels = () => useContext(ModelsContext);
