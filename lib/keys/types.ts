/** The API-key shapes components use (type-only re-exports: components never import from db/). */
export type { KeyRow as KeyListing } from "@/lib/auth/api-keys";
