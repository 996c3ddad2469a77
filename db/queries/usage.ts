import { eq } from "drizzle-orm";
import { getDb } from "@/db";
import { apiKeys, usage, type UsageRow } from "@/db/schema";

/** One ledger row per request, and the key's last-used time, written together. */
export function recordUsage(row: UsageRow): void {
  const db = getDb();
  try {
    db.transaction((tx) => {
      tx.insert(usage).values(row).run();
      if (row.apiKeyId) tx.update(apiKeys).set({ lastUsedAt: row.createdAt }).where(eq(apiKeys.id, row.apiKeyId)).run();
    });
  } catch (err) {
    // Accounting must never break a reply that already reached the client.
    console.error("[usage] could not record a request", err);
  }
}
