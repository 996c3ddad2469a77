import "server-only";
import { randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { getDb } from "@/db";
import {
  findUsableKeyByHash,
  insertKey,
  listAllKeysAsAdmin,
  listKeys,
  revokeAnyKeyAsAdmin,
  revokeKey,
  type KeyListing,
  type Revocation,
} from "@/db/queries/keys";
import type { ApiKey } from "@/db/schema";
import { isAdmin } from "./admin";
import { sha256Hex } from "./sha256";

/** The one service for API keys: the CLI, the settings page and `/v1` all come through here. */

export const KEY_PREFIX = "sk-glm-";
/** 24 random bytes = 192 bits, written as 32 base64url characters. */
const KEY_BYTES = 24;
const DISPLAY_CHARS = KEY_PREFIX.length + 6;

/** Whose keys a call may see and revoke: one user's, or (admins, the operator's CLI) everyone's. */
export type KeyScope = { userId: string } | "admin";

/** What the database keeps of a key. */
export const hashKey = sha256Hex;

export function generateKey(): string {
  return KEY_PREFIX + randomBytes(KEY_BYTES).toString("base64url");
}

export async function createApiKey(input: { userId: string; name: string; expiresAt?: number | null }) {
  const key = generateKey();
  const row = await insertKey(getDb(), {
    id: randomUUID(),
    userId: input.userId,
    name: input.name.trim(),
    prefix: key.slice(0, DISPLAY_CHARS),
    hash: hashKey(key),
    expiresAt: input.expiresAt ?? null,
  });
  return { key, row };
}

/**
 * How long a key found usable is trusted without asking the database again. A revocation from the CLI or another
 * instance takes effect within this time; one in this process (the keys page, an account deleted) and an expiry
 * at once. A second, not less: at a few requests a second a shorter window meant a lookup on nearly every
 * request, and that lookup sat on the way to the upstream call (on SQLite an autocommit read, ~0.1 ms of the
 * ~0.45 ms a lone request spent before it in the twenty-sixth session's probe; on PostgreSQL a round trip).
 */
export const KEY_TRUSTED_MS = 1000;
const KEY_CACHE_SIZE = 10_000;
type UsableKey = { key: { id: string; userId: string }; expiresAt: number | null; checkedAt: number };
/** On globalThis: route bundles may each load their own copy of this module, and a revocation must reach all. */
const holder = globalThis as unknown as { [KEYS]?: Map<string, UsableKey> };
const KEYS = Symbol.for("glm-chat.usable-keys");
const usableKeys = (holder[KEYS] ??= new Map<string, UsableKey>());

/**
 * The key's row if the bearer token is a usable key. The lookup is by SHA-256 (an index hit), then the
 * stored and computed digests are compared in constant time; a key found usable within KEY_TRUSTED_MS is
 * not looked up again (unknown, revoked and expired keys always are).
 */
export async function verifyApiKey(
  token: string,
  now = Date.now(),
): Promise<Pick<ApiKey, "id" | "userId"> | undefined> {
  if (!token.startsWith(KEY_PREFIX) || token.length > 200) return undefined;
  const digest = hashKey(token);
  const known = trusted(digest, now);
  if (known) return known;
  usableKeys.delete(digest);
  const row = await findUsableKeyByHash(getDb(), { hash: digest, now });
  if (!row || !timingSafeEqual(Buffer.from(row.hash, "hex"), Buffer.from(digest, "hex"))) return undefined;
  if (usableKeys.size >= KEY_CACHE_SIZE) usableKeys.delete(usableKeys.keys().next().value as string);
  const key = { id: row.id, userId: row.userId };
  usableKeys.set(digest, { key, expiresAt: row.expiresAt ?? null, checkedAt: now });
  return key;
}

/**
 * The key if it was found usable within KEY_TRUSTED_MS (and has not expired since), without a lookup or a
 * promise: the gateway's common case. Anything else is `verifyApiKey`'s to decide.
 */
export function trustedApiKey(token: string, now = Date.now()): Pick<ApiKey, "id" | "userId"> | undefined {
  if (!token.startsWith(KEY_PREFIX) || token.length > 200) return undefined;
  return trusted(hashKey(token), now);
}

function trusted(digest: string, now: number) {
  const known = usableKeys.get(digest);
  if (known && now - known.checkedAt < KEY_TRUSTED_MS && now >= known.checkedAt) {
    if (known.expiresAt === null || known.expiresAt > now) return known.key;
  }
  return undefined;
}

/** After a revocation or a deleted account in this process: its keys are refused at once, not after KEY_TRUSTED_MS. */
export function forgetUsableKeys<T>(result: T): T {
  usableKeys.clear();
  return result;
}

export function listApiKeys(scope: KeyScope): Promise<KeyListing[]> {
  return scope === "admin" ? listAllKeysAsAdmin(getDb()) : listKeys(getDb(), scope);
}

export function revokeApiKey(scope: KeyScope, idOrPrefix: string): Promise<Revocation> {
  const target = { idOrPrefix: idOrPrefix.trim(), now: Date.now() };
  const revoked =
    scope === "admin" ? revokeAnyKeyAsAdmin(getDb(), target) : revokeKey(getDb(), { ...target, userId: scope.userId });
  return revoked.then(forgetUsableKeys);
}

/** A key as Settings → API keys lists it: `revocable` is false for another admin's key in an admin's list. */
export type KeyRow = KeyListing & { revocable: boolean };

/**
 * Whether a key of `owner` is `user`'s to revoke from Settings: their own, or, for an admin, a member's. Admins
 * do not act on each other (as in Settings → Users); the operator's CLI revokes any key.
 */
export async function keyRevocableBy(
  owner: { id: string; email: string; admin: boolean },
  user: { id: string; email: string; admin: boolean },
): Promise<boolean> {
  if (owner.id === user.id) return true;
  return (await isAdmin(user)) && !(await isAdmin(owner));
}

/** The keys Settings → API keys shows `user`: everyone's for an admin, else their own. */
export async function keysShownTo(user: { id: string; email: string; admin: boolean }): Promise<KeyRow[]> {
  if (!(await isAdmin(user))) return (await listApiKeys({ userId: user.id })).map((k) => ({ ...k, revocable: true }));
  return Promise.all(
    (await listApiKeys("admin")).map(async (k) => ({
      ...k,
      revocable: await keyRevocableBy({ id: k.userId, email: k.ownerEmail, admin: k.ownerAdmin }, user),
    })),
  );
}
