import "server-only";
import { sql } from "drizzle-orm";
import { rows } from "@/db/engines/postgres";

/**
 * Requests counted per fixed window and bucket in `rate_limits`, shared by every instance on one PostgreSQL
 * database. PostgreSQL only (the table exists only in db/pg/schema.ts): on the SQLite default one process
 * serves the app and lib/gateway/rate-limit.ts counts in memory, so these are called only on PostgreSQL.
 */

/**
 * Counts one request in `bucket`'s window starting at `windowStart` (ms) and returns the count so far in
 * the window the row is in, with that window's start. One atomic statement: concurrent takes from any
 * number of connections serialise on the row, so the counts they see are 1, 2, 3… with no gaps or repeats.
 * A newer window resets the count to 1; a request carrying an older window (an instance whose clock lags
 * a little behind another's at a minute boundary) counts in the newer one instead of resetting it back.
 */
export async function takeRateLimit(
  db: unknown,
  { bucket, windowStart }: { bucket: string; windowStart: number },
): Promise<{ count: number; windowStart: number }> {
  const [row] = await rows<{ count: number; windowStart: number }>(
    db,
    sql`
    insert into rate_limits as r (bucket, window_start, count) values (${bucket}, ${windowStart}, 1)
    on conflict (bucket) do update set
      count = case when r.window_start >= excluded.window_start then r.count + 1 else 1 end,
      window_start = greatest(r.window_start, excluded.window_start)
    returning r.count as "count", r.window_start as "windowStart"`,
  );
  return row;
}

/** Drops windows that started before `before`: they count for nothing (the next take resets them anyway). */
export async function pruneRateLimits(db: unknown, { before }: { before: number }): Promise<number> {
  const [{ n }] = await rows<{ n: number }>(
    db,
    sql`with gone as (delete from rate_limits where window_start < ${before} returning 1)
    select count(*) as n from gone`,
  );
  return n;
}
