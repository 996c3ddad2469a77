import "server-only";
import { sql } from "drizzle-orm";
import type { Db } from "@/db";
import { engine } from "@/db/engine";
import { settleLedger } from "./usage";
import { fromLedger, merge, type ReportRange, split } from "./usage-report-sql";

export interface PersonRow {
  userId: string;
  email: string;
  requests: number;
  tokens: number;
}

/**
 * Everyone's requests and tokens per account in the range, most tokens first: who the server's usage is for.
 * Admins only (the caller checks). Grouped first, then joined to the few accounts; on SQLite it walks the
 * per-user covering index, in user order, so the sums stream without a sorter. A deleted account's rows go
 * with it (the ledger cascades), so every row names a person who still has an account.
 */
export async function usageByPersonAsAdmin(db: Db, { range }: { range: ReportRange }): Promise<PersonRow[]> {
  settleLedger(db);
  const parts = split(range);
  const rows = await engine().rows<PersonRow>(
    db,
    sql`
    select g."userId", u.email, g.requests, g.tokens
    from (select user_id as "userId", sum(requests) as requests, sum(prompt_tokens + completion_tokens) as tokens
          from usage_hourly${engine().indexHint("usage_hourly_user_day_idx")}
          where ${parts.hourly}
          group by user_id) g
    join users u on u.id = g."userId"`,
  );
  const extra = parts.raw.length
    ? await fromLedger<PersonRow>(
        db,
        null,
        parts.raw,
        sql`user_id as "userId", (select email from users where id = user_id) as email,
        count(*) as requests, sum(prompt_tokens + completion_tokens) as tokens`,
        sql`user_id`,
      )
    : [];
  return [
    ...merge(
      extra,
      (r) => r.userId,
      merge(Array.from(rows), (r) => r.userId),
    ).values(),
  ].sort((a, b) => b.tokens - a.tokens || b.requests - a.requests || a.email.localeCompare(b.email));
}
