import { asc, eq } from "drizzle-orm";
import { randomUUID } from "node:crypto";
import { getDb } from "@/db";
import { users, type User } from "@/db/schema";
import type { Conn } from "./conn";

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

export function findUserByEmail(email: string): User | undefined {
  return getDb().select().from(users).where(eq(users.email, normaliseEmail(email))).get();
}

export function findUserById(id: string): User | undefined {
  return getDb().select().from(users).where(eq(users.id, id)).get();
}

export function firstUser(): User | undefined {
  return getDb().select().from(users).orderBy(asc(users.createdAt), asc(users.id)).limit(1).get();
}

/** Creates an account; `passwordHash` is null for accounts made by the keys CLI. */
export function createUser(email: string, passwordHash: string | null): User {
  return getDb().insert(users).values({ id: randomUUID(), email: normaliseEmail(email), passwordHash }).returning().get();
}

/** A new password hash (change of password, or a re-hash of an old bcrypt one at sign-in). */
export function setPasswordHash(db: Conn, { userId, passwordHash }: { userId: string; passwordHash: string }) {
  db.update(users).set({ passwordHash }).where(eq(users.id, userId)).run();
}
