import "server-only";
import { and, desc, eq, isNull, or, sql, type SQL } from "drizzle-orm";
import { engine } from "@/db/engine";
import { first, transaction, type Db } from "@/db";
import { apiKeys, users } from "@/db/tables";
import type { ApiKey } from "@/db/schema";

export interface NewKeyRow {
  id: string;
  userId: string;
  name: string;
  prefix: string;
  hash: string;
  expiresAt: number | null;
}

export async function insertKey(db: Db, row: NewKeyRow): Promise<ApiKey> {
  return first(await db.insert(apiKeys).values(row).returning())!;
}

type KeyAuthRow = Pick<ApiKey, "id" | "userId" | "hash" | "expiresAt">;

/** The key with this hash if it may be used now: not revoked, not expired. Runs on every `/v1` request. */
export function findUsableKeyByHash(
  db: Db,
  { hash, now }: { hash: string; now: number },
): Promise<KeyAuthRow | undefined> {
  return engine().findUsableKeyByHash(db, { hash, now });
}

/** ownerAdmin: the owner's row mark only; ADMIN_EMAILS is the caller's to add (lib/auth/admin.ts). */
export type KeyListing = Omit<ApiKey, "hash"> & { ownerEmail: string; ownerAdmin: boolean };

const listing = {
  id: apiKeys.id,
  userId: apiKeys.userId,
  name: apiKeys.name,
  prefix: apiKeys.prefix,
  createdAt: apiKeys.createdAt,
  lastUsedAt: apiKeys.lastUsedAt,
  expiresAt: apiKeys.expiresAt,
  revokedAt: apiKeys.revokedAt,
  ownerEmail: users.email,
  ownerAdmin: users.admin,
};

function selectKeys(db: Db, where: SQL | undefined): Promise<KeyListing[]> {
  return db
    .select(listing)
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .where(where)
    .orderBy(desc(apiKeys.createdAt));
}

/** The user's own keys. */
export function listKeys(db: Db, { userId }: { userId: string }): Promise<KeyListing[]> {
  return selectKeys(db, eq(apiKeys.userId, userId));
}

/** Everyone's keys: for admins and the operator's CLI only (lib/auth/admin.ts, scripts/keys.ts). */
export function listAllKeysAsAdmin(db: Db): Promise<KeyListing[]> {
  return selectKeys(db, undefined);
}

export interface Revocation {
  revoked: ApiKey[];
  matches: number;
}

async function revokeWhere(db: Db, idOrPrefix: string, owner: SQL | undefined, now: number): Promise<Revocation> {
  // As listed ("sk-glm-_krPN5…"), ellipsis and all. Key characters are base64url, so `_` is common: LIKE's
  // wildcards are escaped, not dropped (dropping them made a prefix with `_` match nothing).
  const prefix = idOrPrefix
    .trim()
    .replace(/(…|\.\.\.)$/, "")
    .toLowerCase();
  if (!prefix) return { revoked: [], matches: 0 };
  return transaction(db, async (tx) => {
    const match = or(
      eq(apiKeys.id, idOrPrefix),
      sql`lower(${apiKeys.prefix}) like ${`${prefix.replace(/[%_\\]/g, (c) => `\\${c}`)}%`} escape '\\'`,
    );
    const rows = await tx
      .select()
      .from(apiKeys)
      .where(and(match, owner, isNull(apiKeys.revokedAt)));
    if (rows.length !== 1) return { revoked: [], matches: rows.length };
    const revoked = await tx
      .update(apiKeys)
      .set({ revokedAt: now })
      .where(and(eq(apiKeys.id, rows[0].id), owner))
      .returning();
    return { revoked, matches: 1 };
  });
}

/**
 * Revokes one of the user's keys by id or display prefix. Returns the revoked row; an ambiguous prefix
 * revokes nothing and says how many matched.
 */
export function revokeKey(db: Db, { userId, idOrPrefix, now }: { userId: string; idOrPrefix: string; now: number }) {
  return revokeWhere(db, idOrPrefix, eq(apiKeys.userId, userId), now);
}

/** Whose key this is (any key, revoked or not): for an admin deciding whether it is theirs to revoke. */
export async function keyOwner(db: Db, { keyId }: { keyId: string }) {
  return first(
    await db
      .select({ id: users.id, email: users.email, admin: users.admin })
      .from(apiKeys)
      .innerJoin(users, eq(users.id, apiKeys.userId))
      .where(eq(apiKeys.id, keyId))
      .limit(1),
  );
}

/** The same over everyone's keys: admins and the operator's CLI only. */
export function revokeAnyKeyAsAdmin(db: Db, { idOrPrefix, now }: { idOrPrefix: string; now: number }) {
  return revokeWhere(db, idOrPrefix, undefined, now);
}
