import "server-only";
import { randomBytes } from "node:crypto";
import { getDb, type Db } from "@/db";
import {
  countUserSessions,
  deleteSession,
  deleteUserSessions,
  findSessionUser,
  insertSession,
  pruneExpiredSessions,
  touchSession,
} from "@/db/queries/sessions";
import type { User } from "@/db/schema";
import { sha256Hex } from "./sha256";

/** Sessions live as long as the JWT cookie that names them (Auth.js `session.maxAge`). */
export const SESSION_MAX_AGE_S = 30 * 24 * 3600;
/** last_seen_at is a hint for people, not a security check: one write per session per few minutes at most. */
const TOUCH_EVERY_MS = 5 * 60_000;

/**
 * What the sessions table keeps of a session id: its SHA-256, as for API keys. The cookie carries the id itself
 * (inside a JWE sealed with AUTH_SECRET); someone who reads the database, or a backup of it, finds nothing a
 * cookie could be made from. The id is 144 random bits, so a plain hash is enough (no salt, no slow hash).
 */
const stored = sha256Hex;

/** A new session row at sign-in; its id goes into the JWT as `sid`. */
export async function startSession(
  { userId, userAgent, now = Date.now() }: { userId: string; userAgent: string | null; now?: number },
  db: Db = getDb(),
): Promise<string> {
  const id = randomBytes(18).toString("base64url");
  await pruneExpiredSessions(db, { now });
  await insertSession(db, {
    id: stored(id),
    userId,
    now,
    expiresAt: now + SESSION_MAX_AGE_S * 1000,
    userAgent: userAgent?.slice(0, 300) ?? null,
  });
  return id;
}

/** The user if the session is live, else undefined: the check every signed-in request goes through. */
export async function sessionUser(
  { sessionId, userId, now = Date.now() }: { sessionId: string; userId: string; now?: number },
  db: Db = getDb(),
): Promise<User | undefined> {
  const key = stored(sessionId);
  const found = await findSessionUser(db, { sessionId: key, userId, now });
  if (!found) return undefined;
  if (now - found.lastSeenAt > TOUCH_EVERY_MS) await touchSession(db, { sessionId: key, userId, now });
  return found.user;
}

export async function endSession({ sessionId, userId }: { sessionId: string; userId: string }, db: Db = getDb()) {
  await deleteSession(db, { sessionId: stored(sessionId), userId });
}

/** Ends every session of the user, or all but `keep`. Returns how many ended. */
export function endUserSessions(
  { userId, keep }: { userId: string; keep?: string },
  db: Db = getDb(),
): Promise<number> {
  return deleteUserSessions(db, { userId, keep: keep === undefined ? undefined : stored(keep) });
}

export function liveSessionCount(
  { userId, now = Date.now() }: { userId: string; now?: number },
  db: Db = getDb(),
): Promise<number> {
  return countUserSessions(db, { userId, now });
}
