import "server-only";
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** Times are integer milliseconds since the epoch: cheap to compare and to bucket in SQL. */
const now = sql`(cast(unixepoch('subsec') * 1000 as integer))`;

export const users = sqliteTable("users", {
  id: text("id").primaryKey(),
  /** Stored lower-cased, so sign-in is case-insensitive. */
  email: text("email").notNull().unique(),
  passwordHash: text("password_hash"),
  /** Model a new conversation starts with: the one this user used last. */
  lastModel: text("last_model"),
  /** The UI language this user chose ("en", "zh-CN", "ja"); null: the browser's (cookie, then Accept-Language). */
  locale: text("locale"),
  /**
   * An admin: the first account, marked when it is made (db/queries/users.ts createUser). Kept on the row, so
   * that deleting the first account does not make the next oldest one an admin. ADMIN_EMAILS adds more.
   */
  admin: integer("admin", { mode: "boolean" }).notNull().default(false),
  /**
   * The password was set by someone else (an admin's Add user or Reset password, or `npm run users`), who
   * therefore knows it: until its owner chooses their own, the app only offers that (lib/auth/session.ts).
   */
  mustChangePassword: integer("must_change_password", { mode: "boolean" }).notNull().default(false),
  createdAt: integer("created_at").notNull().default(now),
});

export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** The first characters of the key, shown in lists so people can tell keys apart. */
    prefix: text("prefix").notNull(),
    /** SHA-256 of the whole key (hex); the key itself is never stored. */
    hash: text("hash").notNull().unique(),
    createdAt: integer("created_at").notNull().default(now),
    lastUsedAt: integer("last_used_at"),
    expiresAt: integer("expires_at"),
    revokedAt: integer("revoked_at"),
  },
  (t) => [index("api_keys_user_idx").on(t.userId)],
);

/** One row per request through the gateway core, from either door. */
export const usage = sqliteTable(
  "usage",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    createdAt: integer("created_at").notNull(),
    userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
    /** Null for the chat UI's own requests. */
    apiKeyId: text("api_key_id").references(() => apiKeys.id, { onDelete: "set null" }),
    source: text("source", { enum: ["api", "chat"] }).notNull(),
    model: text("model").notNull(),
    stream: integer("stream", { mode: "boolean" }).notNull(),
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

/**
 * The ledger rolled up per UTC hour, written in the same transaction as each ledger row, so usage charts
 * read a few thousand rows instead of scanning millions. `apiKeyId` is "" for the chat UI (NULLs would
 * never collide in the unique index).
 */
export const usageHourly = sqliteTable(
  "usage_hourly",
  {
    hour: integer("hour").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    apiKeyId: text("api_key_id").notNull(),
    source: text("source", { enum: ["api", "chat"] }).notNull(),
    model: text("model").notNull(),
    requests: integer("requests").notNull(),
    errors: integer("errors").notNull(),
    promptTokens: integer("prompt_tokens").notNull(),
    completionTokens: integer("completion_tokens").notNull(),
    ttftSum: integer("ttft_sum").notNull(),
    ttftCount: integer("ttft_count").notNull(),
  },
  (t) => [
    uniqueIndex("usage_hourly_bucket_idx").on(t.userId, t.hour, t.apiKeyId, t.source, t.model),
    // Covering indexes in the order each report groups by, so SQLite aggregates without sorting:
    // per day (hour order), per model, per key.
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
    // The same orders for the admin view over everyone.
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

/** Per-conversation generation settings, checked against the same ranges as `/v1`. */
export interface ConversationSettings {
  systemPrompt?: string;
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  /** For models that think optionally: "auto" leaves it to the model (sends nothing), "on"/"off" ask. */
  thinking?: "auto" | "on" | "off";
  /** Offer the model Zhipu's web_search tool on every turn. */
  webSearch?: boolean;
}

export const conversations = sqliteTable(
  "conversations",
  {
    /** Integer key for the full-text index; `id` is the public, unguessable one. */
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    id: text("id").notNull().unique(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    titleFromUser: integer("title_from_user", { mode: "boolean" }).notNull().default(false),
    model: text("model").notNull(),
    settings: text("settings", { mode: "json" }).$type<ConversationSettings>().notNull().default({}),
    createdAt: integer("created_at").notNull().default(now),
    updatedAt: integer("updated_at").notNull().default(now),
  },
  (t) => [index("conversations_user_updated_idx").on(t.userId, t.updatedAt, t.seq)],
);

/** "interrupted": the process writing the reply went away (crash, restart); its text so far is kept. */
export const MESSAGE_STATUSES = ["complete", "streaming", "stopped", "error", "interrupted"] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export const messages = sqliteTable(
  "messages",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    id: text("id").notNull().unique(),
    conversationId: text("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    role: text("role", { enum: ["user", "assistant"] }).notNull(),
    content: text("content").notNull().default(""),
    /** The GLM-4 model that wrote an assistant reply. */
    model: text("model"),
    status: text("status", { enum: MESSAGE_STATUSES }).notNull().default("complete"),
    /** A readable reason when status is "error". */
    error: text("error"),
    /** What a thinking model reasoned before its answer (assistant replies; null when it did not think). */
    reasoning: text("reasoning"),
    /** How long it thought, from its first reasoning token to its first answer token ("Thought for 4 s"). */
    reasoningMs: integer("reasoning_ms"),
    /** The pages a web search found for this reply, shown as links under it. */
    sources: text("sources", { mode: "json" }).$type<MessageSource[]>(),
    createdAt: integer("created_at").notNull().default(now),
  },
  (t) => [
    index("messages_conversation_idx").on(t.conversationId, t.seq),
    // Search maps full-text hits (message seq) to conversations without reading the message rows.
    index("messages_seq_conversation_idx").on(t.seq, t.conversationId),
  ],
);

export type Conversation = typeof conversations.$inferSelect;
export type Message = typeof messages.$inferSelect;

/** A page a reply's web search found: a link (title, site) under the reply; its images are never loaded. */
export interface MessageSource {
  url: string;
  title: string;
  /** The site's name as the search reported it (Zhipu's `media`), else the link's host. */
  site?: string;
  publishedAt?: string;
}

export const MODEL_THINKING = ["none", "optional", "always"] as const;
export type ModelThinking = (typeof MODEL_THINKING)[number];

/**
 * The model catalogue: what /v1/models lists, the picker offers and requests are checked against. Seeded with
 * the seed's six on first use; admins edit it on /settings/models, MODELS_FILE can provision it. Rows are
 * disabled, never deleted, so old replies keep naming the model that wrote them.
 */
export const models = sqliteTable("models", {
  /** The name lower-cased: names are case-insensitive ("glm-4-air" is GLM-4-Air). */
  key: text("key").primaryKey(),
  /** The name clients send and see. */
  name: text("name").notNull(),
  upstreamId: text("upstream_id").notNull(),
  contextWindow: integer("context_window").notNull(),
  maxOutputTokens: integer("max_output_tokens").notNull(),
  thinking: text("thinking", { enum: MODEL_THINKING }).notNull().default("none"),
  description: text("description").notNull().default(""),
  enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
  /** Order in the picker and /v1/models. */
  position: integer("position").notNull().default(0),
  createdAt: integer("created_at").notNull().default(now),
  updatedAt: integer("updated_at").notNull().default(now),
});

export type ModelRow = typeof models.$inferSelect;

/** What a shared link shows: the conversation as it was when shared (or last updated). */
export interface ShareSnapshot {
  model: string;
  messages: {
    role: "user" | "assistant";
    content: string;
    model: string | null;
    status: MessageStatus;
    reasoning?: string | null;
    reasoningMs?: number | null;
    sources?: MessageSource[] | null;
    /** The documents of a user's message: names shown on the share page (a continued copy does not take them). */
    attachments?: SharedAttachment[];
  }[];
}

export interface SharedAttachment {
  id: string;
  name: string;
  size: number;
  pages: number | null;
}

export const shares = sqliteTable(
  "shares",
  {
    /** The public id in /share/<id>: 144 random bits. */
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** Deleting the conversation deletes its share, so the link stops at once. */
    conversationId: text("conversation_id")
      .notNull()
      .unique()
      .references(() => conversations.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    snapshot: text("snapshot", { mode: "json" }).$type<ShareSnapshot>().notNull(),
    createdAt: integer("created_at").notNull().default(now),
    updatedAt: integer("updated_at").notNull().default(now),
  },
  (t) => [index("shares_user_idx").on(t.userId, t.createdAt)],
);

export type Share = typeof shares.$inferSelect;

/**
 * One row per signed-in browser. The JWT cookie carries the row's id (`sid`); a cookie whose row is gone
 * (signed out, "sign out of all devices", password changed) no longer signs anyone in.
 */
export const sessions = sqliteTable(
  "sessions",
  {
    /** 128+ random bits; also what the cookie names. */
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: integer("created_at").notNull(),
    /** Touched at most every few minutes, not per request. */
    lastSeenAt: integer("last_seen_at").notNull(),
    /** Same lifetime as the cookie: after this the row no longer counts and is pruned. */
    expiresAt: integer("expires_at").notNull(),
    userAgent: text("user_agent"),
  },
  (t) => [index("sessions_user_idx").on(t.userId), index("sessions_expires_idx").on(t.expiresAt)],
);

export type SessionRow = typeof sessions.$inferSelect;

/**
 * Sign-in failures and registrations, one row each with its time, counted per bucket over a window. In the
 * database rather than in memory so that several app instances sharing the database share the counts.
 * bucket: "signin-pair" (key = "<client IP> <normalised email>"), "signin-account" (key = normalised email),
 * "signin-address", "register-address" (key = client IP).
 */
export const authAttempts = sqliteTable(
  "auth_attempts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    bucket: text("bucket", {
      enum: ["signin-pair", "signin-account", "signin-address", "register-address"],
    }).notNull(),
    key: text("key").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    index("auth_attempts_bucket_key_time_idx").on(t.bucket, t.key, t.createdAt),
    index("auth_attempts_time_idx").on(t.createdAt),
  ],
);

/**
 * A document given to the chat: the extracted text is what the model reads (the file itself is not kept).
 * Uploaded before its message is sent, it is pending (`message_id` null) and swept after a day; once sent it
 * belongs to the user's message and goes with it (and with its conversation and account) by cascade.
 */
export const attachments = sqliteTable(
  "attachments",
  {
    /** 128+ random bits: also what the browser names it by. */
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    messageId: text("message_id").references(() => messages.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    mediaType: text("media_type").notNull(),
    /** Bytes of the file as uploaded. */
    size: integer("size").notNull(),
    /** PDFs only. */
    pages: integer("pages"),
    text: text("text").notNull(),
    createdAt: integer("created_at").notNull().default(now),
  },
  (t) => [
    index("attachments_message_idx").on(t.messageId),
    index("attachments_user_pending_idx").on(t.userId, t.messageId, t.createdAt),
    index("attachments_pending_time_idx").on(t.messageId, t.createdAt),
  ],
);

export type Attachment = typeof attachments.$inferSelect;
