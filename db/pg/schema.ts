/**
 * The PostgreSQL twin of db/schema.ts: same table names, column names, indexes, uniques, foreign keys and
 * cascades, so one query layer (written against column names) runs on either engine. Differences, and why:
 * - times stay integer milliseconds, as `bigint` read as JS numbers (ms since 1970 fit in 2^53);
 * - the integer autoincrement keys are identity columns, BY DEFAULT so a copy from SQLite can keep its
 *   `seq` values (cursors embed them) — reset the sequences with setval() after such a copy;
 * - sums that can outgrow 2^31 within an hour (usage_hourly) are bigint;
 * - booleans are boolean, the JSON text columns are jsonb;
 * - SQLite's covering indexes stay plain btree indexes with the same column order: PostgreSQL answers an
 *   index-only scan from key columns just as well, and the column order is what the reports rely on.
 * Search indexes (pg_trgm, CJK grams) are a hand-written migration: db/pg/migrations/0001_search.sql.
 */
import "server-only";
import { sql } from "drizzle-orm";
import { bigint, boolean, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import {
  MESSAGE_STATUSES,
  MODEL_THINKING,
  type ConversationSettings,
  type MessageSource,
  type ShareSnapshot,
} from "../schema";

export {
  MESSAGE_STATUSES,
  MODEL_THINKING,
  type ConversationSettings,
  type MessageSource,
  type MessageStatus,
  type ModelThinking,
  type ShareSnapshot,
} from "../schema";

/**
 * Wall-clock milliseconds, truncated like SQLite's cast(unixepoch('subsec') * 1000 as integer).
 * clock_timestamp(), not now(): now() is frozen at transaction start, so rows written later in one
 * transaction would all share one time.
 */
const now = sql`(floor(extract(epoch from clock_timestamp()) * 1000)::bigint)`;
const ms = (name: string) => bigint(name, { mode: "number" });

export const users = pgTable("users", {
  id: text("id").primaryKey(),
  /** Stored lower-cased, so sign-in is case-insensitive. */
  email: text("email").notNull().unique(),
  passwordHash: text("password_hash"),
  lastModel: text("last_model"),
  /** The UI language this user chose ("en", "zh-CN", "ja"); null: the browser's (cookie, then Accept-Language). */
  locale: text("locale"),
  /** An admin: the first account, marked when it is made (db/schema.ts says why). */
  admin: boolean("admin").notNull().default(false),
  /** A temporary password someone else set, to be replaced at the next sign-in (db/schema.ts says why). */
  mustChangePassword: boolean("must_change_password").notNull().default(false),
  createdAt: ms("created_at").notNull().default(now),
});

export const apiKeys = pgTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    prefix: text("prefix").notNull(),
    hash: text("hash").notNull().unique(),
    createdAt: ms("created_at").notNull().default(now),
    lastUsedAt: ms("last_used_at"),
    expiresAt: ms("expires_at"),
    revokedAt: ms("revoked_at"),
  },
  (t) => [index("api_keys_user_idx").on(t.userId)],
);

export const usage = pgTable(
  "usage",
  {
    // The ledger is the fastest-growing table: bigint so it never needs a key migration.
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    createdAt: ms("created_at").notNull(),
    userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
    apiKeyId: text("api_key_id").references(() => apiKeys.id, { onDelete: "set null" }),
    source: text("source", { enum: ["api", "chat"] }).notNull(),
    model: text("model").notNull(),
    stream: boolean("stream").notNull(),
    status: integer("status").notNull(),
    errorCode: text("error_code"),
    promptTokens: integer("prompt_tokens").notNull().default(0),
    completionTokens: integer("completion_tokens").notNull().default(0),
    ttftMs: integer("ttft_ms"),
    durationMs: integer("duration_ms").notNull(),
  },
  (t) => [
    index("usage_user_time_idx").on(t.userId, t.createdAt),
    index("usage_key_time_idx").on(t.apiKeyId, t.createdAt),
    index("usage_time_idx").on(t.createdAt),
  ],
);

/** See db/schema.ts: the ledger rolled up per UTC hour; `apiKeyId` is "" for the chat UI. */
export const usageHourly = pgTable(
  "usage_hourly",
  {
    hour: ms("hour").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    apiKeyId: text("api_key_id").notNull(),
    source: text("source", { enum: ["api", "chat"] }).notNull(),
    model: text("model").notNull(),
    // Per-hour sums: a busy key's ttft_sum (ms × requests) passes 2^31 quickly.
    requests: bigint("requests", { mode: "number" }).notNull(),
    errors: bigint("errors", { mode: "number" }).notNull(),
    promptTokens: bigint("prompt_tokens", { mode: "number" }).notNull(),
    completionTokens: bigint("completion_tokens", { mode: "number" }).notNull(),
    ttftSum: bigint("ttft_sum", { mode: "number" }).notNull(),
    ttftCount: bigint("ttft_count", { mode: "number" }).notNull(),
  },
  (t) => [
    uniqueIndex("usage_hourly_bucket_idx").on(t.userId, t.hour, t.apiKeyId, t.source, t.model),
    index("usage_hourly_user_day_idx").on(t.userId, t.hour, t.model, t.requests, t.promptTokens, t.completionTokens),
    index("usage_hourly_user_model_idx").on(
      t.userId,
      t.model,
      t.hour,
      t.requests,
      t.errors,
      t.promptTokens,
      t.completionTokens,
      t.ttftSum,
      t.ttftCount,
    ),
    index("usage_hourly_user_key_idx").on(
      t.userId,
      t.source,
      t.apiKeyId,
      t.hour,
      t.requests,
      t.promptTokens,
      t.completionTokens,
    ),
    index("usage_hourly_day_idx").on(t.hour, t.model, t.requests, t.promptTokens, t.completionTokens),
    index("usage_hourly_model_idx").on(
      t.model,
      t.hour,
      t.requests,
      t.errors,
      t.promptTokens,
      t.completionTokens,
      t.ttftSum,
      t.ttftCount,
    ),
    index("usage_hourly_key_idx").on(t.source, t.apiKeyId, t.hour, t.requests, t.promptTokens, t.completionTokens),
  ],
);

export type User = typeof users.$inferSelect;
export type ApiKey = typeof apiKeys.$inferSelect;
export type UsageRow = typeof usage.$inferInsert;

export const conversations = pgTable(
  "conversations",
  {
    seq: bigint("seq", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    id: text("id").notNull().unique(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    titleFromUser: boolean("title_from_user").notNull().default(false),
    model: text("model").notNull(),
    settings: jsonb("settings").$type<ConversationSettings>().notNull().default({}),
    createdAt: ms("created_at").notNull().default(now),
    updatedAt: ms("updated_at").notNull().default(now),
  },
  (t) => [index("conversations_user_updated_idx").on(t.userId, t.updatedAt, t.seq)],
);

export const messages = pgTable(
  "messages",
  {
    seq: bigint("seq", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    id: text("id").notNull().unique(),
    conversationId: text("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    role: text("role", { enum: ["user", "assistant"] }).notNull(),
    content: text("content").notNull().default(""),
    model: text("model"),
    status: text("status", { enum: MESSAGE_STATUSES }).notNull().default("complete"),
    error: text("error"),
    reasoning: text("reasoning"),
    reasoningMs: integer("reasoning_ms"),
    sources: jsonb("sources").$type<MessageSource[]>(),
    createdAt: ms("created_at").notNull().default(now),
  },
  (t) => [
    index("messages_conversation_idx").on(t.conversationId, t.seq),
    index("messages_seq_conversation_idx").on(t.seq, t.conversationId),
  ],
);

export type Conversation = typeof conversations.$inferSelect;
export type Message = typeof messages.$inferSelect;

/** The model catalogue (see db/schema.ts). */
export const models = pgTable("models", {
  key: text("key").primaryKey(),
  name: text("name").notNull(),
  upstreamId: text("upstream_id").notNull(),
  contextWindow: integer("context_window").notNull(),
  maxOutputTokens: integer("max_output_tokens").notNull(),
  thinking: text("thinking", { enum: MODEL_THINKING }).notNull().default("none"),
  description: text("description").notNull().default(""),
  enabled: boolean("enabled").notNull().default(true),
  position: integer("position").notNull().default(0),
  createdAt: ms("created_at").notNull().default(now),
  updatedAt: ms("updated_at").notNull().default(now),
});

export type ModelRow = typeof models.$inferSelect;

export const shares = pgTable(
  "shares",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    conversationId: text("conversation_id")
      .notNull()
      .unique()
      .references(() => conversations.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    snapshot: jsonb("snapshot").$type<ShareSnapshot>().notNull(),
    createdAt: ms("created_at").notNull().default(now),
    updatedAt: ms("updated_at").notNull().default(now),
  },
  (t) => [index("shares_user_idx").on(t.userId, t.createdAt)],
);

export type Share = typeof shares.$inferSelect;

export const sessions = pgTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: ms("created_at").notNull(),
    lastSeenAt: ms("last_seen_at").notNull(),
    expiresAt: ms("expires_at").notNull(),
    userAgent: text("user_agent"),
  },
  (t) => [index("sessions_user_idx").on(t.userId), index("sessions_expires_idx").on(t.expiresAt)],
);

export type SessionRow = typeof sessions.$inferSelect;

export const authAttempts = pgTable(
  "auth_attempts",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    bucket: text("bucket", {
      enum: ["signin-pair", "signin-account", "signin-address", "register-address"],
    }).notNull(),
    key: text("key").notNull(),
    createdAt: ms("created_at").notNull(),
  },
  (t) => [
    index("auth_attempts_bucket_key_time_idx").on(t.bucket, t.key, t.createdAt),
    index("auth_attempts_time_idx").on(t.createdAt),
  ],
);

/*
 * PostgreSQL only: state that several app instances share. On the SQLite default (one process) the same
 * state lives in that process's memory.
 */

/** Requests counted per fixed one-minute window and bucket (`key:<id>`, `user:<id>`, `chat:<id>`). */
export const rateLimits = pgTable("rate_limits", {
  bucket: text("bucket").primaryKey(),
  windowStart: ms("window_start").notNull(),
  count: integer("count").notNull(),
});

/**
 * The one reply streaming in a conversation, claimed by the instance that reads the model's stream. The
 * instance renews `heartbeat_at` while it streams; a claim whose heartbeat is stale belongs to an instance
 * that died, and its reply is marked interrupted by whichever instance notices (lib/chat/reply-sweeper.ts).
 */
export const liveReplies = pgTable("live_replies", {
  conversationId: text("conversation_id")
    .primaryKey()
    .references(() => conversations.id, { onDelete: "cascade" }),
  messageId: text("message_id").notNull(),
  userId: text("user_id").notNull(),
  instanceId: text("instance_id").notNull(),
  startedAt: ms("started_at").notNull().default(now),
  heartbeatAt: ms("heartbeat_at").notNull().default(now),
  /**
   * Set when the reply ended: the row (and the reply's frames) stay ~30 s so a tab rendered just before the
   * end can still replay it, and the slot is free for the next turn at once.
   */
  endedAt: ms("ended_at"),
});

/** A live reply's UI-stream frames in order, for readers on other instances (deleted after the reply ends). */
export const replyFrames = pgTable(
  "reply_frames",
  {
    messageId: text("message_id").notNull(),
    n: integer("n").notNull(),
    frames: text("frames").notNull(),
    createdAt: ms("created_at").notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.messageId, t.n] })],
);

/** Stop pressed before the message reached any instance: the late request is refused (kept 2 minutes). */
export const earlyStops = pgTable(
  "early_stops",
  {
    userId: text("user_id").notNull(),
    messageId: text("message_id").notNull(),
    at: ms("at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.messageId] })],
);

/** See db/schema.ts. */
export const attachments = pgTable(
  "attachments",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    messageId: text("message_id").references(() => messages.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    mediaType: text("media_type").notNull(),
    size: integer("size").notNull(),
    pages: integer("pages"),
    text: text("text").notNull(),
    createdAt: ms("created_at").notNull().default(now),
  },
  (t) => [
    index("attachments_message_idx").on(t.messageId),
    index("attachments_user_pending_idx").on(t.userId, t.messageId, t.createdAt),
    index("attachments_pending_time_idx").on(t.messageId, t.createdAt),
  ],
);

export type Attachment = typeof attachments.$inferSelect;
