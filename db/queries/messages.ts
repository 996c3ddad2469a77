import "server-only";
import { and, asc, desc, eq, gt, lt, ne } from "drizzle-orm";
import { engine } from "@/db/engine";
import { sqliteTurn } from "@/db/engines/turn-sqlite";
import { first, transaction, type Db } from "@/db";
import { conversations, messages, users } from "@/db/tables";
import type { Conversation, Message, MessageSource, MessageStatus } from "@/db/schema";
import { type AttachmentClaim, claimAttachments } from "./attachments";
import { conversationValues, type NewConversation } from "./conversations";

async function owns(db: Db, { userId, conversationId }: { userId: string; conversationId: string }): Promise<boolean> {
  return !!first(
    await db
      .select({ id: conversations.id })
      .from(conversations)
      .where(and(eq(conversations.userId, userId), eq(conversations.id, conversationId)))
      .limit(1),
  );
}

const inOrder = (db: Db, conversationId: string) =>
  db.select().from(messages).where(eq(messages.conversationId, conversationId)).orderBy(asc(messages.seq));

/** The conversation's messages in order, or undefined when it is not this user's. */
export async function listMessages(
  db: Db,
  { userId, conversationId }: { userId: string; conversationId: string },
): Promise<Message[] | undefined> {
  if (!(await owns(db, { userId, conversationId }))) return undefined;
  return inOrder(db, conversationId);
}

/**
 * The newest `limit` messages of the conversation, or those just before `beforeId`, oldest first; undefined
 * when the conversation is not this user's. Long conversations open with the latest page only.
 */
export async function listMessagesPage(
  db: Db,
  {
    userId,
    conversationId,
    limit,
    beforeId,
  }: { userId: string; conversationId: string; limit: number; beforeId?: string },
): Promise<{ messages: Message[]; hasOlder: boolean } | undefined> {
  if (!(await owns(db, { userId, conversationId }))) return undefined;
  const before = beforeId
    ? first(
        await db
          .select({ seq: messages.seq })
          .from(messages)
          .where(and(eq(messages.conversationId, conversationId), eq(messages.id, beforeId)))
          .limit(1),
      )?.seq
    : undefined;
  if (beforeId && before === undefined) return { messages: [], hasOlder: false };
  const rows = await db
    .select()
    .from(messages)
    .where(
      and(eq(messages.conversationId, conversationId), before === undefined ? undefined : lt(messages.seq, before)),
    )
    .orderBy(desc(messages.seq))
    .limit(limit + 1);
  return { messages: rows.slice(0, limit).reverse(), hasOlder: rows.length > limit };
}

/**
 * A conversation's first turn in one transaction: the conversation, the user's message, the reply's
 * placeholder, and the account's last model. Nothing to read first (the conversation is new), so four writes
 * instead of createConversation + startTurn's eight statements; and no empty conversation is left behind if
 * the turn cannot start. Throws (a unique violation) when the id is taken, by anyone.
 */
export async function startConversation(
  db: Db,
  input: { conversation: NewConversation; user: NewUserMessage; assistantId: string },
): Promise<{ conversation: Conversation; history: Message[] }> {
  const { conversation: c, user, assistantId } = input;
  const hot = user.attachments ? undefined : sqliteTurn(db);
  if (hot) return hot.startConversation(conversationValues(c), user, assistantId);
  return transaction(db, async (tx) => {
    const conversation = first(await tx.insert(conversations).values(conversationValues(c)).returning())!;
    const userMessage = first(
      await tx
        .insert(messages)
        .values({ id: user.id, conversationId: c.id, role: "user", content: engine().text(user.content) })
        .returning(),
    )!;
    if (user.attachments) await claimAttachments(tx, { userId: c.userId, messageId: user.id, ...user.attachments });
    await tx
      .insert(messages)
      .values({ id: assistantId, conversationId: c.id, role: "assistant", model: c.model, status: "streaming" });
    await tx.update(users).set({ lastModel: c.model }).where(eq(users.id, c.userId));
    return { conversation, history: [userMessage] };
  });
}

/** The user's message of a turn, with the pending attachments it takes (db/queries/attachments.ts). */
export interface NewUserMessage {
  id: string;
  content: string;
  attachments?: AttachmentClaim;
}

export interface TurnInput {
  userId: string;
  conversationId: string;
  model: string;
  /** The user's new message; when its id is already in the conversation, it is an edit of that message. */
  user?: NewUserMessage;
  assistantId: string;
}

/**
 * One transaction for the writes that start a reply: save (or replace) the user's message, drop the turns
 * after it, add the assistant placeholder, and remember the model on the conversation and the user.
 * Returns the history to send upstream (without the placeholder), or undefined when nothing fits.
 */
export async function startTurn(db: Db, input: TurnInput): Promise<Message[] | undefined> {
  const hot = input.user?.attachments ? undefined : sqliteTurn(db);
  if (hot) return hot.nextTurn(input);
  return transaction(db, async (tx) => {
    if (!(await owns(tx, input))) return undefined;
    const history = await inOrder(tx, input.conversationId);
    if (input.user) {
      const edited = history.find((m) => m.id === input.user!.id && m.role === "user");
      if (edited) {
        await tx
          .update(messages)
          .set({ content: engine().text(input.user.content) })
          .where(eq(messages.seq, edited.seq));
        await deleteAfter(tx, input.conversationId, edited.seq);
      } else {
        await tx.insert(messages).values({
          id: input.user.id,
          conversationId: input.conversationId,
          role: "user",
          content: engine().text(input.user.content),
        });
        const claim = input.user.attachments;
        if (claim) await claimAttachments(tx, { userId: input.userId, messageId: input.user.id, ...claim });
      }
    } else {
      // Regenerate: everything after the last user message goes.
      const lastUser = history.findLast((m) => m.role === "user");
      if (!lastUser) return undefined;
      await deleteAfter(tx, input.conversationId, lastUser.seq);
    }
    await tx.insert(messages).values({
      id: input.assistantId,
      conversationId: input.conversationId,
      role: "assistant",
      model: input.model,
      status: "streaming",
    });
    await tx
      .update(conversations)
      .set({ model: input.model, updatedAt: Date.now() })
      .where(eq(conversations.id, input.conversationId));
    await tx.update(users).set({ lastModel: input.model }).where(eq(users.id, input.userId));
    return tx
      .select()
      .from(messages)
      .where(and(eq(messages.conversationId, input.conversationId), ne(messages.id, input.assistantId)))
      .orderBy(asc(messages.seq));
  });
}

async function deleteAfter(tx: Db, conversationId: string, seq: number) {
  await tx.delete(messages).where(and(eq(messages.conversationId, conversationId), gt(messages.seq, seq)));
}

/**
 * What a reply says besides its text: its reasoning, thinking time and web sources. Null or absent leaves the
 * saved value (a continued reply that did not think again keeps the reasoning it had).
 */
export interface ReplyExtrasInput {
  reasoning?: string | null;
  reasoningMs?: number | null;
  sources?: MessageSource[] | null;
}

/** The reply's final text and how it ended (complete, stopped by the user, or failed). */
export async function finishReply(
  db: Db,
  {
    id,
    content,
    status,
    error = null,
    reasoning,
    reasoningMs,
    sources,
  }: { id: string; content: string; status: MessageStatus; error?: string | null } & ReplyExtrasInput,
): Promise<void> {
  const hot = sqliteTurn(db);
  if (hot) return hot.finishReply({ id, content, status, error, reasoning, reasoningMs, sources });
  const t = engine().text;
  await db
    .update(messages)
    .set({
      content: t(content),
      status,
      error: error === null ? null : t(error),
      ...(reasoning != null ? { reasoning: t(reasoning) } : {}),
      ...(reasoningMs != null ? { reasoningMs } : {}),
      ...(sources != null ? { sources } : {}),
    })
    .where(eq(messages.id, id));
}

/**
 * The text (and reasoning, sources) of a reply that is still streaming, saved as it grows (batched by the caller). A reply that has
 * already ended keeps its final text: a late write changes nothing. Runs every 250 ms per streaming reply,
 * so each engine keeps the statement prepared.
 */
export function saveReplyProgress(db: Db, progress: { id: string; content: string } & ReplyExtrasInput): Promise<void> {
  return engine().saveReplyProgress(db, progress);
}

/** At start-up: replies a previous process left streaming are interrupted, their text so far kept. */
export async function interruptStreamingReplies(db: Db): Promise<number> {
  return (
    await db
      .update(messages)
      .set({ status: "interrupted" })
      .where(eq(messages.status, "streaming"))
      .returning({ id: messages.id })
  ).length;
}

/**
 * Continue: the interrupted or stopped reply streams again, from where it stopped. Returns the conversation's
 * history (the partial reply last) or undefined when the reply is not the conversation's last message.
 */
export function resumeReply(
  db: Db,
  input: { userId: string; conversationId: string; replyId: string },
): Promise<Message[] | undefined> {
  return transaction(db, async (tx) => {
    if (!(await owns(tx, input))) return undefined;
    const history = await inOrder(tx, input.conversationId);
    const last = history.at(-1);
    if (!last || last.id !== input.replyId || last.role !== "assistant" || last.status === "streaming")
      return undefined;
    await tx.update(messages).set({ status: "streaming", error: null }).where(eq(messages.seq, last.seq));
    await tx.update(conversations).set({ updatedAt: Date.now() }).where(eq(conversations.id, input.conversationId));
    return history;
  });
}

/** The conversation a message id belongs to, if any (ids come from the browser, so they are checked). */
export async function conversationOfMessage(db: Db, { messageId }: { messageId: string }): Promise<string | undefined> {
  const hot = sqliteTurn(db);
  if (hot) return hot.conversationOfMessage(messageId);
  return first(
    await db.select({ c: messages.conversationId }).from(messages).where(eq(messages.id, messageId)).limit(1),
  )?.c;
}
