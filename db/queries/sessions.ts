import "server-only";
import { and, count, eq, gt, lt, ne } from "drizzle-orm";
import { first, type Db } from "@/db";
import { sessions, users } from "@/db/tables";
import { sqliteTurn } from "@/db/engines/turn-sqlite";
import type { User } from "@/db/schema";

/** Sign-in sessions: one row per signed-in browser; the owner is in every WHERE. */

export async function insertSession(
  db: Db,
  row: { id: string; userId: string; now: number; expiresAt: number; userAgent: string | null },
) {
  await db.insert(sessions).values({
    id: row.id,
    userId: row.userId,
    createdAt: row.now,
    lastSeenAt: row.now,
    expiresAt: row.expiresAt,
    userAgent: row.userAgent,
  });
}

/**
 * The user behind a cookie, in one query: the session row must exist, belong to that user and not have
 * expired. Undefined when signed out, revoked, expired or the account is gone.
 */
export async function findSessionUser(
  db: Db,
  { sessionId, userId, now }: { sessionId: string; userId: string; now: number },
): Promise<{ user: User; lastSeenAt: number } | undefined> {
  const hot = sqliteTurn(db);
  if (hot) return hot.sessionUser(sessionId, userId, now);
  return first(
    await db
      .select({ user: users, lastSeenAt: sessions.lastSeenAt })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId), gt(sessions.expiresAt, now)))
      .limit(1),
  );
}

export async function touchSession(
  db: Db,
  { sessionId, userId, now }: { sessionId: string; userId: string; now: number },
) {
  await db
    .update(sessions)
    .set({ lastSeenAt: now })
    .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId)));
}

/** Signs one browser out; returns how many sessions ended (0 or 1). */
export async function deleteSession(
  db: Db,
  { sessionId, userId }: { sessionId: string; userId: string },
): Promise<number> {
  return (
    await db
      .delete(sessions)
      .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId)))
      .returning({ id: sessions.id })
  ).length;
}

/** Every session of the user, or every one but `keep` (after a password change, this browser stays in). */
export async function deleteUserSessions(db: Db, { userId, keep }: { userId: string; keep?: string }): Promise<number> {
  const owner = eq(sessions.userId, userId);
  return (
    await db
      .delete(sessions)
      .where(keep ? and(owner, ne(sessions.id, keep)) : owner)
      .returning({ id: sessions.id })
  ).length;
}

export async function countUserSessions(db: Db, { userId, now }: { userId: string; now: number }): Promise<number> {
  return (
    first(
      await db
        .select({ n: count() })
        .from(sessions)
        .where(and(eq(sessions.userId, userId), gt(sessions.expiresAt, now))),
    )?.n ?? 0
  );
}

/** Expired rows are worth nothing; dropped at sign-in time so the table stays the size of live sessions. */
export async function pruneExpiredSessions(db: Db, { now }: { now: number }) {
  await db.delete(sessions).where(lt(sessions.expiresAt, now));
}
