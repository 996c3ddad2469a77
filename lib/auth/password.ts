import "server-only";
import bcrypt from "bcryptjs";
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";
import { availableParallelism } from "node:os";

/**
 * Password hashes: node:crypto scrypt, which runs on the libuv thread pool, so a burst of sign-ins never
 * blocks the event loop (bcryptjs hashed in JavaScript on the main thread: 32 concurrent sign-ins pushed
 * /api/health to seconds). Stored self-describing, `scrypt$N$r$p$salt$hash` (salt and hash base64url), so
 * the parameters can be raised later and old hashes still verify. Hashes from before (`$2a$`/`$2b$`,
 * bcryptjs) still verify and are reported as needing a re-hash.
 */

/** 2^15 × 8 × 128 B = 32 MiB per hash and ~50–100 ms here: OWASP's scrypt floor is N=2^17 with r=8 at
 * p=1, or equivalent work; N=2^15 keeps 4 pool threads at 128 MiB of native memory during a burst. */
export const SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
/** Upper bounds for parameters read back from the database, so a corrupted row cannot ask for gigabytes. */
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;

export const MIN_PASSWORD_LENGTH = 8;

type Params = { N: number; r: number; p: number };

/**
 * Hashes at once, at most: one core is left for the event loop (on 2 cores, a hash thread per core
 * starved it: /api/health p95 253 ms during a sign-in flood), and one libuv pool thread for file reads and
 * DNS (the pool has 4 threads unless UV_THREADPOOL_SIZE says otherwise). More would not finish sooner.
 */
const HASH_SLOTS = Math.max(1, Math.min(availableParallelism() - 1, (Number(process.env.UV_THREADPOOL_SIZE) || 4) - 1));
let hashesRunning = 0;
const waiting: (() => void)[] = [];

async function inHashSlot<T>(work: () => Promise<T>): Promise<T> {
  if (hashesRunning >= HASH_SLOTS) await new Promise<void>((resolve) => waiting.push(resolve));
  else hashesRunning++;
  try {
    return await work();
  } finally {
    // Hand the slot straight to the next waiter (the count stays), or give it back.
    const next = waiting.shift();
    if (next) next();
    else hashesRunning--;
  }
}

function scryptAsync(password: string, salt: Buffer, keyBytes: number, { N, r, p }: Params): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; Node's default maxmem (32 MiB) is exactly that at N=2^15, r=8, and the
  // check is strict, so allow twice the need.
  const options: ScryptOptions = { N, r, p, maxmem: 2 * 128 * N * r + 1024 * 1024 };
  return inHashSlot(
    () =>
      new Promise((resolve, reject) =>
        scrypt(password.normalize("NFC"), salt, keyBytes, options, (err, key) => (err ? reject(err) : resolve(key))),
      ),
  );
}

export async function hashPassword(password: string, params: Params = SCRYPT_PARAMS): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await scryptAsync(password, salt, KEY_BYTES, params);
  return ["scrypt", params.N, params.r, params.p, salt.toString("base64url"), key.toString("base64url")].join("$");
}

interface ScryptHash extends Params {
  salt: Buffer;
  key: Buffer;
}

/** Reads `scrypt$N$r$p$salt$hash`, or undefined when it is not one (or asks for absurd parameters). */
export function parseScryptHash(stored: string): ScryptHash | undefined {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return undefined;
  const [N, r, p] = parts.slice(1, 4).map((s) => (/^\d{1,8}$/.test(s) ? Number(s) : NaN));
  const powerOfTwo = N > 1 && (N & (N - 1)) === 0;
  if (!powerOfTwo || N > MAX_N || !(r >= 1 && r <= MAX_R) || !(p >= 1 && p <= MAX_P)) return undefined;
  const salt = Buffer.from(parts[4], "base64url");
  const key = Buffer.from(parts[5], "base64url");
  if (salt.length < 8 || key.length < 16 || key.length > 64) return undefined;
  return { N, r, p, salt, key };
}

/** Compared against when the email is unknown, so an unknown email costs the same scrypt as a known one.
 * Random bytes in the stored format: nothing hashes to it, and making it costs nothing at start-up. */
const DUMMY_HASH = [
  "scrypt",
  SCRYPT_PARAMS.N,
  SCRYPT_PARAMS.r,
  SCRYPT_PARAMS.p,
  randomBytes(SALT_BYTES).toString("base64url"),
  randomBytes(KEY_BYTES).toString("base64url"),
].join("$");

export interface PasswordCheck {
  ok: boolean;
  /** The password was right but the hash is bcrypt or has weaker parameters: store a fresh one. */
  needsRehash: boolean;
}

export async function verifyPassword(password: string, stored: string | null | undefined): Promise<PasswordCheck> {
  const hash = stored ?? DUMMY_HASH;
  if (hash.startsWith("$2")) {
    const ok = await bcrypt.compare(password, hash);
    return { ok: ok && !!stored, needsRehash: ok };
  }
  const parsed = parseScryptHash(hash);
  if (!parsed) {
    // Unreadable hash (a damaged row): spend the same time, then refuse.
    await verifyPassword(password, undefined);
    return { ok: false, needsRehash: false };
  }
  const key = await scryptAsync(password, parsed.salt, parsed.key.length, parsed);
  const ok = timingSafeEqual(key, parsed.key) && !!stored;
  const weaker = parsed.N < SCRYPT_PARAMS.N || parsed.r < SCRYPT_PARAMS.r || parsed.p < SCRYPT_PARAMS.p;
  return { ok, needsRehash: ok && weaker };
}

/** Why a password is too weak, or null when it will do. */
export function passwordProblem(password: string, email: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (password.length > 200) return "Use at most 200 characters.";
  if (password.toLowerCase() === email.trim().toLowerCase()) return "Don't use your email address as the password.";
  if (/^(.)\1+$/.test(password) || /^(?:12345678|password|qwertyui)/i.test(password)) {
    return "That password is too easy to guess.";
  }
  return null;
}

/** Letters and digits that cannot be mistaken for one another when read out or copied by hand (no 0/O, 1/l/I). */
const PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789";

/**
 * A password an admin hands to someone (a new account, a reset): 16 characters in groups of four, 80 random
 * bits. They sign in with it and choose their own in Settings → Account.
 */
export function temporaryPassword(): string {
  const bytes = randomBytes(16);
  let out = "";
  for (let i = 0; i < 16; i++) {
    if (i && i % 4 === 0) out += "-";
    out += PASSWORD_ALPHABET[bytes[i] % PASSWORD_ALPHABET.length];
  }
  return out;
}
