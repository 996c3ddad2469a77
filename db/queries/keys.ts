import { and, desc, eq, isNull, or, sql } from "drizzle-orm";
import { getDb, getSqlite } from "@/db";
import { apiKeys, users, type ApiKey } from "@/db/schema";

export interface NewKeyRow {
  id: string;
  userId: string;
  name: string;
  prefix: string;
  hash: string;
  expiresAt: number | null;
}

export function insertKey(row: NewKeyRow): ApiKey {
  return getDb().insert(apiKeys).values(row).returning().get();
}

type KeyAuthRow = Pick<ApiKey, "id" | "userId" | "hash">;
const lookups = new WeakMap<object, (hash: string, now: number) => KeyAuthRow | undefined>();

/**
 * The key with this hash if it may be used now: not revoked, not expired. Runs on every `/v1` request,
 * so the statement is prepared once per connection.
 */
export function findUsableKeyByHash(hash: string, now: number): KeyAuthRow | undefined {
  const sqlite = getSqlite();
  let lookup = lookups.get(sqlite);
  if (!lookup) {
    const stmt = sqlite.prepare(`select id, user_id as userId, hash from api_keys
      where hash = ? and revoked_at is null and (expires_at is null or expires_at > ?)`);
    lookups.set(sqlite, (lookup = (h, n) => stmt.get(h, n) as KeyAuthRow | undefined));
  }
  return lookup(hash, now);
}

export type KeyListing = Omit<ApiKey, "hash"> & { ownerEmail: string };

const listing = {
  id: apiKeys.id, userId: apiKeys.userId, name: apiKeys.name, prefix: apiKeys.prefix,
  createdAt: apiKeys.createdAt, lastUsedAt: apiKeys.lastUsedAt, expiresAt: apiKeys.expiresAt,
  revokedAt: apiKeys.revokedAt, ownerEmail: users.email,
};

/** A user's keys, or everyone's when `userId` is null (admin and CLI). */
export function listKeys(userId: string | null): KeyListing[] {
  const q = getDb().select(listing).from(apiKeys).innerJoin(users, eq(users.id, apiKeys.userId));
  return (userId ? q.where(eq(apiKeys.userId, userId)) : q).orderBy(desc(apiKeys.createdAt)).all();
}

/**
 * Revokes by id or display prefix, only among the owner's keys unless `userId` is null (admin and CLI).
 * Returns the revoked rows; an ambiguous prefix revokes nothing and returns every match.
 */
export function revokeKeys(idOrPrefix: string, userId: string | null, now: number): { revoked: ApiKey[]; matches: number } {
  const db = getDb();
  return db.transaction((tx) => {
    const match = or(eq(apiKeys.id, idOrPrefix), sql`${apiKeys.prefix} like ${idOrPrefix.replace(/[%_]/g, "") + "%"}`);
    const owner = userId ? eq(apiKeys.userId, userId) : undefined;
    const rows = tx.select().from(apiKeys).where(and(match, owner, isNull(apiKeys.revokedAt))).all();
    if (rows.length !== 1) return { revoked: [], matches: rows.length };
    const revoked = tx.update(apiKeys).set({ revokedAt: now })
      .where(and(eq(apiKeys.id, rows[0].id), owner)).returning().all();
    return { revoked, matches: 1 };
  });
}
