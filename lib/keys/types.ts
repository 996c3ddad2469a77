/** The API-key shapes components use (type-only re-exports: components never import from db/). */
export type { KeyListing } from "@/db/queries/keys";
