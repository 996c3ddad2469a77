import { eq, sql } from "drizzle-orm";
import { getDb } from "@/db";
import { apiKeys, usage, usageHourly, type UsageRow } from "@/db/schema";

const HOUR = 3_600_000;

/** One ledger row per request, its hourly roll-up, and the key's last-used time, written together. */
export function recordUsage(row: UsageRow): void {
  const db = getDb();
  try {
    db.transaction((tx) => {
      tx.insert(usage).values(row).run();
      if (row.userId) {
        const ttft = row.ttftMs ?? null;
        tx.insert(usageHourly).values({
          hour: Math.floor(row.createdAt / HOUR) * HOUR, userId: row.userId, apiKeyId: row.apiKeyId ?? "",
          source: row.source, model: row.model, requests: 1, errors: row.status >= 400 ? 1 : 0,
          promptTokens: row.promptTokens ?? 0, completionTokens: row.completionTokens ?? 0,
          ttftSum: ttft ?? 0, ttftCount: ttft === null ? 0 : 1,
        }).onConflictDoUpdate({
          target: [usageHourly.userId, usageHourly.hour, usageHourly.apiKeyId, usageHourly.source, usageHourly.model],
          set: {
            requests: sql`${usageHourly.requests} + 1`,
            errors: sql`${usageHourly.errors} + excluded.errors`,
            promptTokens: sql`${usageHourly.promptTokens} + excluded.prompt_tokens`,
            completionTokens: sql`${usageHourly.completionTokens} + excluded.completion_tokens`,
            ttftSum: sql`${usageHourly.ttftSum} + excluded.ttft_sum`,
            ttftCount: sql`${usageHourly.ttftCount} + excluded.ttft_count`,
          },
        }).run();
      }
      if (row.apiKeyId) tx.update(apiKeys).set({ lastUsedAt: row.createdAt }).where(eq(apiKeys.id, row.apiKeyId)).run();
    });
  } catch (err) {
    // Accounting must never break a reply that already reached the client.
    console.error("[usage] could not record a request", err);
  }
}
