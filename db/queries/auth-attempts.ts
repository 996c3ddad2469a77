import "server-only";
import { and, desc, eq, gt, inArray, lt } from "drizzle-orm";
import { first, type Db } from "@/db";
import { engine } from "@/db/engine";
import { authAttempts } from "@/db/tables";

export type AttemptBucket = (typeof authAttempts.$inferInsert)["bucket"];

/**
 * Keys are what a visitor typed (an email) or an address: a NUL in one would make PostgreSQL refuse the
 * statement (its text cannot hold U+0000), and sign-in would fail with a server error instead of counting.
 */
const keyOf = (key: string) => engine().text(key);

/** Counts one attempt; its row's id, for an attempt counted before it is known to have failed (see deleteAttempts). */
export async function recordAttempt(
  db: Db,
  { bucket, key, now }: { bucket: AttemptBucket; key: string; now: number },
): Promise<number> {
  const [row] = await db
    .insert(authAttempts)
    .values({ bucket, key: keyOf(key), createdAt: now })
    .returning({ id: authAttempts.id });
  return row.id;
}

/** Takes back attempts counted ahead: refused before their password was checked, or right after all. */
export async function deleteAttempts(db: Db, { ids }: { ids: number[] }) {
  if (ids.length) await db.delete(authAttempts).where(inArray(authAttempts.id, ids));
}

/**
 * When the bucket drops below `limit` attempts within `windowMs` again, or null when it is below already:
 * the `limit`-th newest attempt in the window leaves it at its time + window. One index range read.
 */
export async function blockedUntil(
  db: Db,
  {
    bucket,
    key,
    limit,
    windowMs,
    now,
  }: { bucket: AttemptBucket; key: string; limit: number; windowMs: number; now: number },
): Promise<number | null> {
  const row = first(
    await db
      .select({ createdAt: authAttempts.createdAt })
      .from(authAttempts)
      .where(
        and(
          eq(authAttempts.bucket, bucket),
          eq(authAttempts.key, keyOf(key)),
          gt(authAttempts.createdAt, now - windowMs),
        ),
      )
      .orderBy(desc(authAttempts.createdAt))
      .limit(1)
      .offset(limit - 1),
  );
  return row ? row.createdAt + windowMs : null;
}

/** A successful sign-in forgives the account's failures (not the address's). */
export async function clearAttempts(db: Db, { bucket, key }: { bucket: AttemptBucket; key: string }) {
  await db.delete(authAttempts).where(and(eq(authAttempts.bucket, bucket), eq(authAttempts.key, keyOf(key))));
}

/** Rows older than the longest window count for nothing. */
export async function pruneAttempts(db: Db, { olderThan }: { olderThan: number }) {
  await db.delete(authAttempts).where(lt(authAttempts.createdAt, olderThan));
}
