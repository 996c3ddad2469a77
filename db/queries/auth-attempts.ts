import { and, desc, eq, gt, lt } from "drizzle-orm";
import type { Conn } from "./conn";
import { authAttempts } from "@/db/schema";

export type AttemptBucket = (typeof authAttempts.$inferInsert)["bucket"];

export function recordAttempt(db: Conn, { bucket, key, now }: { bucket: AttemptBucket; key: string; now: number }) {
  db.insert(authAttempts).values({ bucket, key, createdAt: now }).run();
}

/**
 * When the bucket drops below `limit` attempts within `windowMs` again, or null when it is below already:
 * the `limit`-th newest attempt in the window leaves it at its time + window. One index range read.
 */
export function blockedUntil(db: Conn, { bucket, key, limit, windowMs, now }:
  { bucket: AttemptBucket; key: string; limit: number; windowMs: number; now: number }): number | null {
  const row = db.select({ createdAt: authAttempts.createdAt }).from(authAttempts)
    .where(and(eq(authAttempts.bucket, bucket), eq(authAttempts.key, key), gt(authAttempts.createdAt, now - windowMs)))
    .orderBy(desc(authAttempts.createdAt)).limit(1).offset(limit - 1).get();
  return row ? row.createdAt + windowMs : null;
}

/** A successful sign-in forgives the account's failures (not the address's). */
export function clearAttempts(db: Conn, { bucket, key }: { bucket: AttemptBucket; key: string }) {
  db.delete(authAttempts).where(and(eq(authAttempts.bucket, bucket), eq(authAttempts.key, key))).run();
}

/** Rows older than the longest window count for nothing. */
export function pruneAttempts(db: Conn, olderThan: number) {
  db.delete(authAttempts).where(lt(authAttempts.createdAt, olderThan)).run();
}
