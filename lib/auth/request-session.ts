import "server-only";
import { decode } from "next-auth/jwt";
import type { User } from "@/db/schema";
import { config } from "@/lib/config";
import { sessionUser } from "./sessions";

/**
 * The signed-in user of a route handler's request, read from its session cookie directly: for the chat's
 * hot routes, where `auth()` (lib/auth/session.ts) decrypts the cookie and encrypts a fresh one on every
 * call (two key derivations and two JWE operations per request, most of a turn's crypto in the profile).
 * Pages keep `auth()`, which also rolls the cookie forward.
 *
 * The same checks: the JWE must decrypt with AUTH_SECRET and be unexpired, and its session row (`sid`) and
 * account must still exist (one query, never cached), so signing out anywhere ends the cookie at once. Only
 * the decryption is remembered, by the cookie's value, for a few minutes.
 */
const COOKIE_NAMES = ["__Secure-authjs.session-token", "authjs.session-token"];
const CACHE_SIZE = 10_000;
const CACHE_MS = 5 * 60_000;

interface Claims {
  userId: string;
  sessionId: string;
  /** When the token itself expires (ms). */
  expiresAt: number;
  /** When this entry stops being trusted without decrypting again (ms). */
  until: number;
}

const holder = globalThis as unknown as { __glmSessionClaims?: Map<string, Claims> };
const cache = (holder.__glmSessionClaims ??= new Map());

export function requestUser(req: Request): Promise<User | null> {
  return cookieUser(req.headers.get("cookie") ?? "");
}

/** The same from a `Cookie` header (the production server's own door for the chat). */
export async function cookieUser(cookieHeader: string): Promise<User | null> {
  const claims = await requestClaims(cookieHeader);
  return claims ? ((await sessionUser({ sessionId: claims.sessionId, userId: claims.userId })) ?? null) : null;
}

async function requestClaims(cookieHeader: string): Promise<Claims | null> {
  for (const name of COOKIE_NAMES) {
    const token = cookieValue(cookieHeader, name);
    if (!token) continue;
    const key = `${name}=${token}`;
    const now = Date.now();
    const hit = cache.get(key);
    if (hit && hit.until > now && hit.expiresAt > now) return hit;
    cache.delete(key);
    const claims = await decrypt(token, name, now);
    if (!claims) continue;
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    cache.set(key, claims);
    return claims;
  }
  return null;
}

async function decrypt(token: string, salt: string, now: number): Promise<Claims | null> {
  try {
    const payload = await decode({ token, secret: config().authSecret, salt });
    const userId = payload?.sub;
    const sessionId = payload?.sid;
    const exp = typeof payload?.exp === "number" ? payload.exp * 1000 : 0;
    if (!userId || typeof sessionId !== "string" || exp <= now) return null;
    return { userId, sessionId, expiresAt: exp, until: now + CACHE_MS };
  } catch {
    return null;
  }
}

/** A cookie's value, joined from Auth.js's chunks (`name.0`, `name.1`, …) when it was split. */
function cookieValue(header: string, name: string): string | undefined {
  let whole: string | undefined;
  const chunks: [number, string][] = [];
  for (const pair of header.split(";")) {
    const eq = pair.indexOf("=");
    if (eq < 0) continue;
    const key = pair.slice(0, eq).trim();
    if (key === name) whole = pair.slice(eq + 1).trim();
    else if (key.startsWith(`${name}.`)) {
      const n = Number(key.slice(name.length + 1));
      if (Number.isInteger(n)) chunks.push([n, pair.slice(eq + 1).trim()]);
    }
  }
  if (whole) return whole;
  if (!chunks.length) return undefined;
  return chunks
    .sort((a, b) => a[0] - b[0])
    .map(([, v]) => v)
    .join("");
}
