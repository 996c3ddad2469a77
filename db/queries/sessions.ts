import { and, count, eq, gt, lt, ne } from "drizzle-orm";
import type { Conn } from "./conn";
import { sessions, users, type User } from "@/db/schema";

/** Sign-in sessions: one row per signed-in browser; the owner is in every WHERE. */

export function insertSession(db: Conn, row: { id: string; userId: string; now: number; expiresAt: number; userAgent: string | null }) {
  db.insert(sessions).values({ id: row.id, userId: row.userId, createdAt: row.now, lastSeenAt: row.now,
    expiresAt: row.expiresAt, userAgent: row.userAgent }).run();
}

/**
 * The user behind a cookie, in one query: the session row must exist, belong to that user and not have
 * expired. Undefined when signed out, revoked, expired or the account is gone.
 */
export function findSessionUser(db: Conn, { sessionId, userId, now }: { sessionId: string; userId: string; now: number }):
  { user: User; lastSeenAt: number } | undefined {
  return db.select({ user: users, lastSeenAt: sessions.lastSeenAt }).from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId), gt(sessions.expiresAt, now)))
    .get();
}

export function touchSession(db: Conn, { sessionId, userId, now }: { sessionId: string; userId: string; now: number }) {
  db.update(sessions).set({ lastSeenAt: now })
    .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId))).run();
}

/** Signs one browser out. */
export function deleteSession(db: Conn, { sessionId, userId }: { sessionId: string; userId: string }) {
  return db.delete(sessions).where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId))).run().changes;
}

/** Every session of the user, or every one but `keep` (after a password change, this browser stays in). */
export function deleteUserSessions(db: Conn, { userId, keep }: { userId: string; keep?: string }) {
  const owner = eq(sessions.userId, userId);
  return db.delete(sessions).where(keep ? and(owner, ne(sessions.id, keep)) : owner).run().changes;
}

export function countUserSessions(db: Conn, { userId, now }: { userId: string; now: number }): number {
  return db.select({ n: count() }).from(sessions)
    .where(and(eq(sessions.userId, userId), gt(sessions.expiresAt, now))).get()?.n ?? 0;
}

/** Expired rows are worth nothing; dropped at sign-in time so the table stays the size of live sessions. */
export function pruneExpiredSessions(db: Conn, now: number) {
  db.delete(sessions).where(lt(sessions.expiresAt, now)).run();
}
