import "server-only";
import { and, asc, desc, eq, inArray, isNotNull, ne, or, type SQL, sql } from "drizzle-orm";
import { randomUUID } from "node:crypto";
import { first, type Db } from "@/db";
import { engine } from "@/db/engine";
import { apiKeys, conversations, sessions, users } from "@/db/tables";
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

/** Whether any account can sign in (has a password): with none and sign-up closed, only the operator can let anyone in. */
export async function someoneCanSignIn(db: Db): Promise<boolean> {
  return !!first(await db.select({ id: users.id }).from(users).where(isNotNull(users.passwordHash)).limit(1));
}

/** The oldest account (the keys CLI's default owner). */
/**
 * Who a key made from the command line belongs to when no owner is named: the first admin (the first account
 * that can sign in), else the oldest account (one the keys CLI made before anyone signed up).
 */
export async function defaultKeyOwner(db: Db): Promise<User | undefined> {
  return first(await db.select().from(users).orderBy(desc(users.admin), asc(users.createdAt), asc(users.id)).limit(1));
}

/**
 * Creates an account; `passwordHash` is null for accounts made by the keys CLI, which only own API keys. The
 * first account that can sign in is an admin, decided in the insert itself and kept on the row: deleting it
 * later makes nobody else one. An API-only account does not count: an operator who makes a key from the
 * command line before anyone signs up (as the README's /v1 example does) still gets the first person as admin.
 * Accounts with a password are made one at a time (engine().accountCreation), so two sign-ups at the same
 * instant on a new server cannot both be the first. `mustChangePassword`: the password is a temporary one
 * someone else chose (Add user, `npm run users -- create`).
 */
export async function createUser(
  db: Db,
  {
    email,
    passwordHash,
    mustChangePassword = false,
  }: { email: string; passwordHash: string | null; mustChangePassword?: boolean },
): Promise<User> {
  const insert = async (tx: Db, admin: boolean | SQL<boolean>) =>
    first(
      await tx
        .insert(users)
        .values({ id: randomUUID(), email: storedEmail(email), passwordHash, admin, mustChangePassword })
        .returning(),
    )!;
  if (passwordHash === null) return insert(db, false);
  const firstPerson = sql<boolean>`not exists (select 1 from ${users} where ${users.passwordHash} is not null)`;
  return engine().accountCreation(db, (tx) => insert(tx, firstPerson));
}

/**
 * A new password hash: a change of password (`mustChangePassword: false`: the owner chose it), a temporary one
 * (`true`: an admin's reset), or a re-hash of an old bcrypt one at sign-in (left out: the mark stays as it was,
 * as the password itself is the same).
 */
export async function setPasswordHash(
  db: Db,
  { userId, passwordHash, mustChangePassword }: { userId: string; passwordHash: string; mustChangePassword?: boolean },
) {
  await db.update(users).set({ passwordHash, mustChangePassword }).where(eq(users.id, userId));
}

/** The account's UI language (null: follow the browser). */
export async function setUserLocale(db: Db, { userId, locale }: { userId: string; locale: string | null }) {
  await db.update(users).set({ locale }).where(eq(users.id, userId));
}

/** A row of Settings → Users: who the account is, and what an admin needs to recognise it. */
export interface UserListing {
  id: string;
  email: string;
  /** Marked on the row (the first account); ADMIN_EMAILS is the caller's to add. */
  admin: boolean;
  /** Signs in with a password (false: an API-only account the keys CLI made). */
  hasPassword: boolean;
  /** Still on a temporary password someone else set (it has not chosen its own yet). */
  temporaryPassword: boolean;
  createdAt: number;
  /** Its latest activity: a session's, or an API key's last use; null when there has been none. */
  lastSeenAt: number | null;
  conversations: number;
}

/** Every account, oldest first, for an admin (the page that calls this checks that). */
export async function listUsersAsAdmin(db: Db): Promise<UserListing[]> {
  // Joined, not correlated: Drizzle writes a one-table select's columns unqualified, and inside a subquery on
  // sessions, "id" would have meant the session's.
  const seen = db
    .select({ userId: sessions.userId, lastSeenAt: sql<number>`max(${sessions.lastSeenAt})`.as("last_seen") })
    .from(sessions)
    .groupBy(sessions.userId)
    .as("seen");
  // An account used only through /v1 is active too: its keys' last use counts.
  const keyUse = db
    .select({ userId: apiKeys.userId, lastUsedAt: sql<number>`max(${apiKeys.lastUsedAt})`.as("key_used") })
    .from(apiKeys)
    .groupBy(apiKeys.userId)
    .as("key_use");
  const owned = db
    .select({ userId: conversations.userId, count: sql<number>`count(*)`.as("owned_count") })
    .from(conversations)
    .groupBy(conversations.userId)
    .as("owned");
  const rows = await db
    .select({
      id: users.id,
      email: users.email,
      admin: users.admin,
      hasPassword: sql<boolean>`(${users.passwordHash} is not null)`.mapWith(Boolean),
      temporaryPassword: users.mustChangePassword,
      createdAt: users.createdAt,
      sessionSeenAt: sql<number | null>`${seen.lastSeenAt}`.mapWith(Number),
      keyUsedAt: sql<number | null>`${keyUse.lastUsedAt}`.mapWith(Number),
      conversations: sql<number>`coalesce(${owned.count}, 0)`.mapWith(Number),
    })
    .from(users)
    .leftJoin(seen, eq(seen.userId, users.id))
    .leftJoin(keyUse, eq(keyUse.userId, users.id))
    .leftJoin(owned, eq(owned.userId, users.id))
    .orderBy(asc(users.createdAt), asc(users.id))
    .limit(5000);
  return rows.map(({ sessionSeenAt, keyUsedAt, ...u }) => ({
    ...u,
    lastSeenAt: sessionSeenAt === null && keyUsedAt === null ? null : Math.max(sessionSeenAt ?? 0, keyUsedAt ?? 0),
  }));
}

/** Marks an account an admin, or a member again (the operator's CLI: scripts/users.ts). */
export async function setUserAdmin(db: Db, { userId, admin }: { userId: string; admin: boolean }) {
  await db.update(users).set({ admin }).where(eq(users.id, userId));
}

/**
 * Whether an account other than `userId` is an admin who can sign in: marked so on its row, or listed in
 * `adminEmails` (ADMIN_EMAILS, passed in: db/ reads no configuration).
 */
export async function anotherAdminExists(
  db: Db,
  o: { userId: string; adminEmails: readonly string[] },
): Promise<boolean> {
  const admin = o.adminEmails.length
    ? or(eq(users.admin, true), inArray(users.email, [...o.adminEmails]))
    : eq(users.admin, true);
  const rows = await db
    .select({ id: users.id })
    .from(users)
    .where(and(ne(users.id, o.userId), isNotNull(users.passwordHash), admin))
    .limit(1);
  return rows.length > 0;
}
