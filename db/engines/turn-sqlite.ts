/**
 * A chat turn's statements on SQLite, prepared once per connection. Every message sent in the browser runs
 * them (the session, the conversation, the message id, the turn's writes, the reply's end): building each
 * through the query builder at call time cost about as much as running it (a first turn's database work,
 * in-process: ~1.8 ms through Drizzle, ~1.0 ms as these statements). The query layer (db/queries) calls
 * them on SQLite and keeps its Drizzle queries for PostgreSQL, where the round trip dominates; both are tested
 * on both engines.
 */
import "server-only";
import type Database from "better-sqlite3";
import { engine } from "@/db/engine";
import { joinTurnTransaction } from "./group-commit-sqlite";
import type { Conversation, ConversationSettings, Message, MessageSource, MessageStatus, User } from "@/db/schema";

const CONVERSATION = `seq, id, user_id as userId, title, title_from_user as titleFromUser, model, settings,
  created_at as createdAt, updated_at as updatedAt`;
const MESSAGE = `seq, id, conversation_id as conversationId, role, content, model, status, error, reasoning,
  reasoning_ms as reasoningMs, sources, created_at as createdAt`;

type ConversationRow = Omit<Conversation, "titleFromUser" | "settings"> & { titleFromUser: number; settings: string };
type MessageRow = Omit<Message, "sources"> & { sources: string | null };

const conversationOf = (r: ConversationRow): Conversation => ({
  ...r,
  titleFromUser: r.titleFromUser === 1,
  settings: JSON.parse(r.settings) as ConversationSettings,
});
const messageOf = (r: MessageRow): Message => ({
  ...r,
  sources: r.sources === null ? null : (JSON.parse(r.sources) as MessageSource[]),
});

function statementsFor(c: Database.Database) {
  const sessionUser = c.prepare(`select u.id, u.email, u.password_hash as passwordHash, u.last_model as lastModel,
    u.locale, u.admin, u.must_change_password as mustChangePassword, u.created_at as createdAt,
    s.last_seen_at as lastSeenAt
    from sessions s join users u on u.id = s.user_id
    where s.id = ? and s.user_id = ? and s.expires_at > ? limit 1`);
  const conversation = c.prepare(`select ${CONVERSATION} from conversations where user_id = ? and id = ? limit 1`);
  const messageHome = c.prepare("select conversation_id from messages where id = ? limit 1").pluck();
  const insertConversation = c.prepare(`insert into conversations (id, user_id, title, model, settings)
    values (?, ?, ?, ?, ?) returning ${CONVERSATION}`);
  const insertMessage = c.prepare(`insert into messages (id, conversation_id, role, content, model, status)
    values (?, ?, ?, ?, ?, ?) returning ${MESSAGE}`);
  // Unchanged (the usual case) writes nothing, so the commit carries one page fewer.
  const setLastModel = c.prepare("update users set last_model = ? where id = ? and last_model is not ?");
  const owns = c.prepare("select 1 from conversations where user_id = ? and id = ?").pluck();
  const history = c.prepare(`select ${MESSAGE} from messages where conversation_id = ? order by seq`);
  const editMessage = c.prepare("update messages set content = ? where seq = ?");
  const deleteAfter = c.prepare("delete from messages where conversation_id = ? and seq > ?");
  const touchConversation = c.prepare("update conversations set model = ?, updated_at = ? where id = ?");
  const documents = c.prepare(`select a.message_id as messageId, a.name, a.text from attachments a
    join messages m on m.id = a.message_id join conversations c on c.id = m.conversation_id
    where c.id = ? and c.user_id = ? order by a.created_at, a.id`);
  // Null reasoning, thinking time or sources keep what was saved (a continued reply that did not think again).
  const finish = c.prepare(`update messages set content = ?, status = ?, error = ?,
    reasoning = coalesce(?, reasoning), reasoning_ms = coalesce(?, reasoning_ms), sources = coalesce(?, sources)
    where id = ?`);
  // Atomic: a savepoint inside the turn's shared transaction (or its own transaction when none is open).
  const firstTurn = c.transaction(
    (
      n: { id: string; userId: string; title: string; model: string; settings: ConversationSettings },
      user: { id: string; content: string },
      assistantId: string,
    ) => {
      const created = insertConversation.get(n.id, n.userId, n.title, n.model, JSON.stringify(n.settings));
      const userMessage = insertMessage.get(user.id, n.id, "user", user.content, null, "complete");
      insertMessage.run(assistantId, n.id, "assistant", "", n.model, "streaming");
      setLastModel.run(n.model, n.userId, n.model);
      return {
        conversation: conversationOf(created as ConversationRow),
        history: [messageOf(userMessage as MessageRow)],
      };
    },
  );

  /**
   * A later turn, as db/queries/messages.ts startTurn: the user's message added (or, when its id is already
   * there, edited, with everything after it dropped; none: regenerate after the last one), the reply's
   * placeholder, the model remembered. The history is read once and updated in memory.
   */
  const nextTurn = c.transaction((t: NextTurn): Message[] | undefined => {
    if (!owns.get(t.userId, t.conversationId)) return undefined;
    let rows = (history.all(t.conversationId) as MessageRow[]).map(messageOf);
    const user = t.user;
    const edited = user && rows.find((m) => m.id === user.id && m.role === "user");
    if (user && edited) {
      editMessage.run(user.content, edited.seq);
      deleteAfter.run(t.conversationId, edited.seq);
      rows = rows.filter((m) => m.seq <= edited.seq).map((m) => (m === edited ? { ...m, content: user.content } : m));
    } else if (user) {
      rows.push(
        messageOf(insertMessage.get(user.id, t.conversationId, "user", user.content, null, "complete") as MessageRow),
      );
    } else {
      const lastUser = rows.findLast((m) => m.role === "user");
      if (!lastUser) return undefined;
      deleteAfter.run(t.conversationId, lastUser.seq);
      rows = rows.filter((m) => m.seq <= lastUser.seq);
    }
    insertMessage.run(t.assistantId, t.conversationId, "assistant", "", t.model, "streaming");
    touchConversation.run(t.model, Date.now(), t.conversationId);
    setLastModel.run(t.model, t.userId, t.model);
    return rows;
  });

  return {
    nextTurn(t: NextTurn) {
      joinTurnTransaction(c);
      return nextTurn(t);
    },
    documents: (userId: string, conversationId: string) =>
      documents.all(conversationId, userId) as { messageId: string | null; name: string; text: string }[],
    sessionUser(sessionId: string, userId: string, now: number): { user: User; lastSeenAt: number } | undefined {
      const row = sessionUser.get(sessionId, userId, now) as
        | (Omit<User, "admin" | "mustChangePassword"> & {
            admin: number;
            mustChangePassword: number;
            lastSeenAt: number;
          })
        | undefined;
      if (!row) return undefined;
      const { lastSeenAt, admin, mustChangePassword, ...rest } = row;
      return { user: { ...rest, admin: admin === 1, mustChangePassword: mustChangePassword === 1 }, lastSeenAt };
    },
    conversation(userId: string, id: string): Conversation | undefined {
      const row = conversation.get(userId, id) as ConversationRow | undefined;
      return row && conversationOf(row);
    },
    conversationOfMessage: (messageId: string) => messageHome.get(messageId) as string | undefined,
    /** The first turn: conversation, user message, reply placeholder and the account's last model, atomically. */
    startConversation: (...args: Parameters<typeof firstTurn>) => {
      joinTurnTransaction(c);
      return firstTurn(...args);
    },
    finishReply(r: {
      id: string;
      content: string;
      status: MessageStatus;
      error: string | null;
      reasoning?: string | null;
      reasoningMs?: number | null;
      sources?: MessageSource[] | null;
    }) {
      joinTurnTransaction(c);
      finish.run(
        r.content,
        r.status,
        r.error,
        r.reasoning ?? null,
        r.reasoningMs ?? null,
        r.sources ? JSON.stringify(r.sources) : null,
        r.id,
      );
    },
  };
}

/** A later turn's input (without attachments: a message that takes files goes through the query builder). */
interface NextTurn {
  userId: string;
  conversationId: string;
  model: string;
  user?: { id: string; content: string };
  assistantId: string;
}

export type TurnStatements = ReturnType<typeof statementsFor>;
const prepared = new WeakMap<Database.Database, TurnStatements>();

/** The turn's prepared statements on a SQLite connection; undefined on PostgreSQL (the caller uses Drizzle). */
export function sqliteTurn(db: unknown): TurnStatements | undefined {
  if (engine().name !== "sqlite") return undefined;
  const c = (db as { $client: Database.Database }).$client;
  let s = prepared.get(c);
  if (!s) prepared.set(c, (s = statementsFor(c)));
  return s;
}
