import "server-only";
import { getDb, transaction, type Db } from "@/db";
import { blockedUntil, clearAttempts, deleteAttempts, pruneAttempts, recordAttempt } from "@/db/queries/auth-attempts";
import { normaliseEmail } from "@/db/queries/users";
import { config } from "@/lib/config";

/**
 * Sign-in and sign-up throttling, counted in the database so instances sharing it share the counts.
 * - Per (address, account): a password guessed from one place. Past the limit that address is refused for
 *   that account, right password or not; the owner signing in from anywhere else is not. An account-wide lock
 *   would let anyone who knows an email keep its owner out for good with a few wrong passwords.
 * - Per account, over every address: a much higher ceiling against guessing from many addresses. Past it the
 *   account is slowed, not locked: each address gets only a few failures, so an address that has not failed
 *   (the owner's) still gets its tries.
 * - Per address: many accounts tried from one place, with a higher limit because a school or office shares an
 *   address; and sign-ups.
 */
const MINUTE = 60_000;
export const LIMITS = {
  signInPair: { limit: 10, windowMs: 15 * MINUTE },
  signInAccount: { limit: 100, windowMs: 15 * MINUTE },
  /** The per-(address, account) limit while the account is over its ceiling. */
  signInPairOverCeiling: { limit: 3, windowMs: 15 * MINUTE },
  signInAddress: { limit: 50, windowMs: 15 * MINUTE },
  registerAddress: { limit: 10, windowMs: 60 * MINUTE },
} as const;
const LONGEST_WINDOW = 60 * MINUTE;

/**
 * Whether the per-address limits count this address: not "unknown" (no address known), nor one listed in
 * THROTTLE_EXEMPT_ADDRESSES (npm test lists loopback, from which its suites sign up hundreds of accounts).
 * Loopback is otherwise counted like any address: behind a reverse proxy on the same host without TRUST_PROXY,
 * every visitor shares it, which is a misconfiguration to fix (README, Security), not a reason to drop the limits.
 */
export function addressCounts(address: string): boolean {
  return address !== "unknown" && !config().throttleExemptAddresses.includes(address);
}

/** The per-(address, account) bucket's key. */
const pairKey = (email: string, address: string) => `${address} ${normaliseEmail(email)}`;

/** "Too many attempts, try again in N minutes." — rounded up, at least 1. */
export function tooManyAttemptsMessage(until: number, now = Date.now()): string {
  const minutes = Math.max(1, Math.ceil((until - now) / MINUTE));
  return `Too many attempts, try again in ${minutes} ${minutes === 1 ? "minute" : "minutes"}.`;
}

/**
 * When sign-in for this account from this address opens again, or null when it is open now. `counted`: this
 * attempt's own rows are in the buckets already (beginPasswordCheck), so each limit is one higher.
 */
export async function signInBlockedUntil(
  {
    email,
    address,
    now = Date.now(),
    counted = false,
  }: { email: string; address: string; now?: number; counted?: boolean },
  db: Db = getDb(),
): Promise<number | null> {
  const own = counted ? 1 : 0;
  const over = (l: { limit: number; windowMs: number }) => ({ limit: l.limit + own, windowMs: l.windowMs });
  const overCeiling =
    (await blockedUntil(db, {
      bucket: "signin-account",
      key: normaliseEmail(email),
      now,
      ...over(LIMITS.signInAccount),
    })) !== null;
  const pair = await blockedUntil(db, {
    bucket: "signin-pair",
    key: pairKey(email, address),
    now,
    ...over(overCeiling ? LIMITS.signInPairOverCeiling : LIMITS.signInPair),
  });
  const place = addressCounts(address)
    ? await blockedUntil(db, { bucket: "signin-address", key: address, now, ...over(LIMITS.signInAddress) })
    : null;
  return pair === null && place === null ? null : Math.max(pair ?? 0, place ?? 0);
}

/** Counts a failed password in every bucket; the rows' ids, should the attempt turn out right after all. */
export async function recordSignInFailure(
  { email, address, now = Date.now() }: { email: string; address: string; now?: number },
  db: Db = getDb(),
): Promise<{ pair: number; others: number[] }> {
  return transaction(db, async (tx) => {
    const pair = await recordAttempt(tx, { bucket: "signin-pair", key: pairKey(email, address), now });
    const others = [await recordAttempt(tx, { bucket: "signin-account", key: normaliseEmail(email), now })];
    if (addressCounts(address)) others.push(await recordAttempt(tx, { bucket: "signin-address", key: address, now }));
    await pruneAttempts(tx, { olderThan: now - LONGEST_WINDOW });
    return { pair, others };
  });
}

/**
 * Before a password is checked (sign-in, a password change, deleting the account): the attempt is counted as a
 * failure first, then the limits are read with it included, and only then is the slow hash computed. Checked
 * first and counted after the hash, 100 guesses sent at once were all checked (a security review: 99 wrong and
 * the right one, none refused) — each saw the count from before any of them had failed. Counted first, the
 * eleventh in flight sees ten before it and is refused. Returns when the address may try again, or what to say
 * once the password has been checked: a wrong one stays counted; a right one is taken back (and forgives this
 * address's failures for the account, as before).
 */
export async function beginPasswordCheck(
  { email, address, now = Date.now() }: { email: string; address: string; now?: number },
  db: Db = getDb(),
): Promise<{ blockedUntil: number } | { blockedUntil: null; succeeded: () => Promise<void> }> {
  const rows = await recordSignInFailure({ email, address, now }, db);
  const until = await signInBlockedUntil({ email, address, now, counted: true }, db);
  if (until !== null) {
    // Refused without a check: not a guess, so it does not count (nor keep the owner's account over its ceiling).
    await deleteAttempts(db, { ids: [rows.pair, ...rows.others] });
    return { blockedUntil: until };
  }
  return {
    blockedUntil: null,
    succeeded: async () => {
      await deleteAttempts(db, { ids: rows.others });
      await recordSignInSuccess({ email, address }, db);
    },
  };
}

/**
 * A right password forgives this address's failures for the account. Not the account-wide count: a success
 * here says nothing about guesses from elsewhere.
 */
export async function recordSignInSuccess({ email, address }: { email: string; address: string }, db: Db = getDb()) {
  await clearAttempts(db, { bucket: "signin-pair", key: pairKey(email, address) });
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
