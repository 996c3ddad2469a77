import { and, asc, desc, eq, gt, lt, sql } from "drizzle-orm";
import { getDb, getSqlite, type Db } from "@/db";
import { conversations, messages, users, type Message, type MessageStatus } from "@/db/schema";

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/** The conversation's messages in order, or undefined when it is not this user's. */
export function listMessages(userId: string, conversationId: string): Message[] | undefined {
  const db = getDb();
  const owned = db.select({ id: conversations.id }).from(conversations)
    .where(and(eq(conversations.userId, userId), eq(conversations.id, conversationId))).get();
  if (!owned) return undefined;
  return db.select().from(messages).where(eq(messages.conversationId, conversationId))
    .orderBy(asc(messages.seq)).all();
}

/**
 * The newest `limit` messages of the conversation, or those just before `beforeId`, oldest first; undefined
 * when the conversation is not this user's. Long conversations open with the latest page only.
 */
export function listMessagesPage(userId: string, conversationId: string, limit: number, beforeId?: string):
  { messages: Message[]; hasOlder: boolean } | undefined {
  const db = getDb();
  const owned = db.select({ id: conversations.id }).from(conversations)
    .where(and(eq(conversations.userId, userId), eq(conversations.id, conversationId))).get();
  if (!owned) return undefined;
  const before = beforeId
    ? db.select({ seq: messages.seq }).from(messages)
      .where(and(eq(messages.conversationId, conversationId), eq(messages.id, beforeId))).get()?.seq
    : undefined;
  if (beforeId && before === undefined) return { messages: [], hasOlder: false };
  const rows = db.select().from(messages)
    .where(and(eq(messages.conversationId, conversationId), before === undefined ? undefined : lt(messages.seq, before)))
    .orderBy(desc(messages.seq)).limit(limit + 1).all();
  return { messages: rows.slice(0, limit).reverse(), hasOlder: rows.length > limit };
}

export interface TurnInput {
  userId: string;
  conversationId: string;
  model: string;
  /** The user's new message; when its id is already in the conversation, it is an edit of that message. */
  user?: { id: string; content: string };
  assistantId: string;
}

/**
 * One transaction for the writes that start a reply: save (or replace) the user's message, drop the turns
 * after it, add the assistant placeholder, and remember the model on the conversation and the user.
 * Returns the history to send upstream (without the placeholder), or undefined when nothing fits.
 */
export function startTurn(input: TurnInput): Message[] | undefined {
  const db = getDb();
  return db.transaction((tx) => {
    const owned = tx.select({ id: conversations.id }).from(conversations)
      .where(and(eq(conversations.userId, input.userId), eq(conversations.id, input.conversationId))).get();
    if (!owned) return undefined;
    const history = tx.select().from(messages).where(eq(messages.conversationId, input.conversationId))
      .orderBy(asc(messages.seq)).all();

    if (input.user) {
      const edited = history.find((m) => m.id === input.user!.id && m.role === "user");
      if (edited) {
        tx.update(messages).set({ content: input.user.content }).where(eq(messages.seq, edited.seq)).run();
        deleteAfter(tx, input.conversationId, edited.seq);
      } else {
        tx.insert(messages).values({ id: input.user.id, conversationId: input.conversationId, role: "user",
          content: input.user.content }).run();
      }
    } else {
      // Regenerate: everything after the last user message goes.
      const lastUser = history.findLast((m) => m.role === "user");
      if (!lastUser) return undefined;
      deleteAfter(tx, input.conversationId, lastUser.seq);
    }
    tx.insert(messages).values({ id: input.assistantId, conversationId: input.conversationId, role: "assistant",
      model: input.model, status: "streaming" }).run();
    tx.update(conversations).set({ model: input.model, updatedAt: sql`(cast(unixepoch('subsec') * 1000 as integer))` })
      .where(eq(conversations.id, input.conversationId)).run();
    tx.update(users).set({ lastModel: input.model }).where(eq(users.id, input.userId)).run();
    return tx.select().from(messages)
      .where(and(eq(messages.conversationId, input.conversationId), sql`${messages.id} != ${input.assistantId}`))
      .orderBy(asc(messages.seq)).all();
  });
}

function deleteAfter(tx: Tx, conversationId: string, seq: number) {
  tx.delete(messages).where(and(eq(messages.conversationId, conversationId), gt(messages.seq, seq))).run();
}

/** The reply's final text and how it ended (complete, stopped by the user, or failed). */
export function finishReply(id: string, content: string, status: MessageStatus, error: string | null = null): void {
  getDb().update(messages).set({ content, status, error }).where(eq(messages.id, id)).run();
}

const progressStatements = new WeakMap<object, { run: (content: string, id: string) => unknown }>();

/**
 * The text of a reply that is still streaming, saved as it grows (batched by the caller). A reply that has
 * already ended keeps its final text: a late write changes nothing.
 */
export function saveReplyProgress(id: string, content: string): void {
  const sqlite = getSqlite();
  let statement = progressStatements.get(sqlite);
  if (!statement) {
    statement = sqlite.prepare("update messages set content = ? where id = ? and status = 'streaming'");
    progressStatements.set(sqlite, statement);
  }
  statement.run(content, id);
}

/** At start-up: replies a previous process left streaming are interrupted, their text so far kept. */
export function interruptStreamingReplies(): number {
  return getDb().update(messages).set({ status: "interrupted" }).where(eq(messages.status, "streaming")).run().changes;
}

/**
 * Continue: the interrupted or stopped reply streams again, from where it stopped. Returns the conversation's
 * history (the partial reply last) or undefined when the reply is not the conversation's last message.
 */
export function resumeReply(input: { userId: string; conversationId: string; replyId: string }): Message[] | undefined {
  return getDb().transaction((tx) => {
    const owned = tx.select({ id: conversations.id }).from(conversations)
      .where(and(eq(conversations.userId, input.userId), eq(conversations.id, input.conversationId))).get();
    if (!owned) return undefined;
    const history = tx.select().from(messages).where(eq(messages.conversationId, input.conversationId))
      .orderBy(asc(messages.seq)).all();
    const last = history.at(-1);
    if (!last || last.id !== input.replyId || last.role !== "assistant" || last.status === "streaming") return undefined;
    tx.update(messages).set({ status: "streaming", error: null }).where(eq(messages.seq, last.seq)).run();
    tx.update(conversations).set({ updatedAt: sql`(cast(unixepoch('subsec') * 1000 as integer))` })
      .where(eq(conversations.id, input.conversationId)).run();
    return history;
  });
}

/** The conversation a message id belongs to, if any (ids come from the browser, so they are checked). */
export function conversationOfMessage(id: string): string | undefined {
  return getDb().select({ c: messages.conversationId }).from(messages).where(eq(messages.id, id)).get()?.c;
}
