import "server-only";
import { asc, eq, sql } from "drizzle-orm";
import { randomUUID } from "node:crypto";
import { first, type Db } from "@/db";
import { engine } from "@/db/engine";
import { users } from "@/db/tables";
import type { User } from "@/db/schema";

export const normaliseEmail = (email: string) => email.trim().toLowerCase();
/** As stored: PostgreSQL text cannot hold U+0000, so a typed NUL looks up (and stores) U+FFFD instead of failing. */
const storedEmail = (email: string) => engine().text(normaliseEmail(email));

export async function findUserByEmail(db: Db, { email }: { email: string }): Promise<User | undefined> {
  return first(
    await db
      .select()
      .from(users)
      .where(eq(users.email, storedEmail(email)))
      .limit(1),
  );
}

export async function findUserById(db: Db, { userId }: { userId: string }): Promise<User | undefined> {
  return first(await db.select().from(users).where(eq(users.id, userId)).limit(1));
}

/** The first account, which is an admin (lib/auth/admin.ts). */
export async function firstUser(db: Db): Promise<User | undefined> {
  return first(await db.select().from(users).orderBy(asc(users.createdAt), asc(users.id)).limit(1));
}

/**
 * Creates an account; `passwordHash` is null for accounts made by the keys CLI. The first account is an admin,
 * decided in the insert itself and kept on the row: deleting it later makes nobody else one.
 */
export async function createUser(
  db: Db,
  { email, passwordHash }: { email: string; passwordHash: string | null },
): Promise<User> {
  const noneYet = sql<boolean>`not exists (select 1 from ${users})`;
  return first(
    await db
      .insert(users)
      .values({ id: randomUUID(), email: storedEmail(email), passwordHash, admin: noneYet })
      .returning(),
  )!;
}

/** A new password hash (change of password, or a re-hash of an old bcrypt one at sign-in). */
export async function setPasswordHash(db: Db, { userId, passwordHash }: { userId: string; passwordHash: string }) {
  await db.update(users).set({ passwordHash }).where(eq(users.id, userId));
}

/** The account's UI language (null: follow the browser). */
export async function setUserLocale(db: Db, { userId, locale }: { userId: string; locale: string | null }) {
  await db.update(users).set({ locale }).where(eq(users.id, userId));
}
