import "server-only";
import { eq, inArray } from "drizzle-orm";
import { transaction, type Db } from "@/db";
import { apiKeys, conversations, messages, sessions, shares, usage, usageHourly, users } from "@/db/tables";

export interface DeletedAccount {
  conversations: number;
  messages: number;
  shares: number;
  keys: number;
  usage: number;
  sessions: number;
}

/**
 * Removes an account and everything it owns, in one transaction: all of it goes, or (on any failure) none.
 * Each table is named rather than left to ON DELETE CASCADE, so the rows removed are counted, and so no
 * table is forgotten if a foreign key is ever relaxed.
 */
export function deleteAccount(db: Db, { userId }: { userId: string }): Promise<DeletedAccount> {
  return transaction(db, async (tx) => {
    const count = async (rows: Promise<unknown[]>) => (await rows).length;
    const owned = tx.select({ id: conversations.id }).from(conversations).where(eq(conversations.userId, userId));
    const deleted: DeletedAccount = {
      shares: await count(tx.delete(shares).where(eq(shares.userId, userId)).returning({ id: shares.id })),
      messages: await count(
        tx.delete(messages).where(inArray(messages.conversationId, owned)).returning({ id: messages.id }),
      ),
      conversations: await count(
        tx.delete(conversations).where(eq(conversations.userId, userId)).returning({ id: conversations.id }),
      ),
      usage: await count(tx.delete(usage).where(eq(usage.userId, userId)).returning({ id: usage.id })),
      keys: await count(tx.delete(apiKeys).where(eq(apiKeys.userId, userId)).returning({ id: apiKeys.id })),
      sessions: await count(tx.delete(sessions).where(eq(sessions.userId, userId)).returning({ id: sessions.id })),
    };
    await tx.delete(usageHourly).where(eq(usageHourly.userId, userId));
    await tx.delete(users).where(eq(users.id, userId));
    return deleted;
  });
}
