/** The usage-report shapes components use (type-only re-exports: components never import from db/). */
export type { DailyRow, KeyRow, ModelRow, PersonRow, RecentRow } from "@/db/queries/usage-report";
