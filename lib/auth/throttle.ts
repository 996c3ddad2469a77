import "server-only";
import { getDb, transaction, type Db } from "@/db";
import { blockedUntil, clearAttempts, pruneAttempts, recordAttempt } from "@/db/queries/auth-attempts";
import { normaliseEmail } from "@/db/queries/users";

/**
 * Sign-in and sign-up throttling, counted in the database so instances sharing it share the counts.
 * Per account: a guessed password for one person. Per address: many accounts tried from one place, with a
 * higher limit because a school or office shares an address.
 */
const MINUTE = 60_000;
export const LIMITS = {
  signInAccount: { limit: 10, windowMs: 15 * MINUTE },
  signInAddress: { limit: 50, windowMs: 15 * MINUTE },
  registerAddress: { limit: 10, windowMs: 60 * MINUTE },
} as const;
const LONGEST_WINDOW = 60 * MINUTE;

/**
 * Addresses not counted: "unknown" (no address known), and the loopback address a reverse proxy on the
 * same host connects from when TRUST_PROXY is off — there every visitor shares it, and one guesser could
 * lock everybody out. The per-account limit still applies to them.
 */
export function addressCounts(address: string): boolean {
  return !["unknown", "127.0.0.1", "::1", "::ffff:127.0.0.1"].includes(address);
}

/** "Too many attempts, try again in N minutes." — rounded up, at least 1. */
export function tooManyAttemptsMessage(until: number, now = Date.now()): string {
  const minutes = Math.max(1, Math.ceil((until - now) / MINUTE));
  return `Too many attempts, try again in ${minutes} ${minutes === 1 ? "minute" : "minutes"}.`;
}

/** When sign-in for this account or from this address opens again, or null when it is open now. */
export async function signInBlockedUntil(
  { email, address, now = Date.now() }: { email: string; address: string; now?: number },
  db: Db = getDb(),
): Promise<number | null> {
  const account = await blockedUntil(db, {
    bucket: "signin-account",
    key: normaliseEmail(email),
    now,
    ...LIMITS.signInAccount,
  });
  const place = addressCounts(address)
    ? await blockedUntil(db, { bucket: "signin-address", key: address, now, ...LIMITS.signInAddress })
    : null;
  return account === null && place === null ? null : Math.max(account ?? 0, place ?? 0);
}

export async function recordSignInFailure(
  { email, address, now = Date.now() }: { email: string; address: string; now?: number },
  db: Db = getDb(),
) {
  await transaction(db, async (tx) => {
    await recordAttempt(tx, { bucket: "signin-account", key: normaliseEmail(email), now });
    if (addressCounts(address)) await recordAttempt(tx, { bucket: "signin-address", key: address, now });
    await pruneAttempts(tx, { olderThan: now - LONGEST_WINDOW });
  });
}

/** A right password forgives the account's earlier failures. */
export async function recordSignInSuccess({ email }: { email: string }, db: Db = getDb()) {
  await clearAttempts(db, { bucket: "signin-account", key: normaliseEmail(email) });
}

export async function registrationBlockedUntil(
  { address, now = Date.now() }: { address: string; now?: number },
  db: Db = getDb(),
): Promise<number | null> {
  if (!addressCounts(address)) return null;
  return blockedUntil(db, { bucket: "register-address", key: address, now, ...LIMITS.registerAddress });
}

/** Every sign-up attempt that gets as far as hashing a password counts, successful or not. */
export async function recordRegistration(
  { address, now = Date.now() }: { address: string; now?: number },
  db: Db = getDb(),
) {
  if (!addressCounts(address)) return;
  await transaction(db, async (tx) => {
    await recordAttempt(tx, { bucket: "register-address", key: address, now });
    await pruneAttempts(tx, { olderThan: now - LONGEST_WINDOW });
  });
}
