import { createHash, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { findUsableKeyByHash, insertKey, listKeys, revokeKeys, type KeyListing } from "@/db/queries/keys";
import type { ApiKey } from "@/db/schema";

/** The one service for API keys: the CLI, the settings page and `/v1` all come through here. */

export const KEY_PREFIX = "sk-glm-";
/** 24 random bytes = 192 bits, written as 32 base64url characters. */
const KEY_BYTES = 24;
const DISPLAY_CHARS = KEY_PREFIX.length + 6;

export const hashKey = (key: string) => createHash("sha256").update(key).digest("hex");

export function generateKey(): string {
  return KEY_PREFIX + randomBytes(KEY_BYTES).toString("base64url");
}

export function createApiKey(input: { userId: string; name: string; expiresAt?: number | null }) {
  const key = generateKey();
  const row = insertKey({
    id: randomUUID(), userId: input.userId, name: input.name.trim(), prefix: key.slice(0, DISPLAY_CHARS),
    hash: hashKey(key), expiresAt: input.expiresAt ?? null,
  });
  return { key, row };
}

/**
 * The key's row if the bearer token is a usable key. The lookup is by SHA-256 (an index hit), then the
 * stored and computed digests are compared in constant time.
 */
export function verifyApiKey(token: string, now = Date.now()): Pick<ApiKey, "id" | "userId"> | undefined {
  if (!token.startsWith(KEY_PREFIX) || token.length > 200) return undefined;
  const digest = hashKey(token);
  const row = findUsableKeyByHash(digest, now);
  if (!row) return undefined;
  return timingSafeEqual(Buffer.from(row.hash, "hex"), Buffer.from(digest, "hex")) ? row : undefined;
}

export function listApiKeys(userId: string | null): KeyListing[] {
  return listKeys(userId);
}

export function revokeApiKey(idOrPrefix: string, userId: string | null) {
  return revokeKeys(idOrPrefix.trim(), userId, Date.now());
}
