/**
 * The chat benchmark's data set, engine-neutral: users, conversations and messages as rows in memory
 * (deterministic text from bench/corpus.ts), then written by an engine's writer (writeSqlite here, COPY on
 * PostgreSQL in seed-pg.ts). Rows are in insertion order, so `seq` grows with creation as in the app.
 */
import { randomUUID } from "node:crypto";
import {
  assistantMessage,
  markdownTable,
  pickTopic,
  rng,
  topicLang,
  userMessage,
  type Lang,
  type Rng,
} from "../corpus";
import type Database from "better-sqlite3";

export const DAY = 86_400_000;
export const SEED = {
  conversationsA: 5_000,
  messagesA: 100_000,
  bigMessages: 1_000,
  conversationsB: 500,
  messagesB: 10_000,
  days: 120,
};
export const EMAIL_A = "bench-a@example.com";
export const EMAIL_B = "bench-b@example.com";
export const PASSWORD = "bench-chat-password-1";

export type UserRow = [id: string, email: string, passwordHash: string, lastModel: string, createdAt: number];
export type ConversationRow = [
  id: string,
  userId: string,
  title: string,
  titleFromUser: boolean,
  model: string,
  settings: string,
  createdAt: number,
  updatedAt: number,
];
export type MessageRow = [
  id: string,
  conversationId: string,
  role: string,
  content: string,
  model: string | null,
  status: string,
  error: string | null,
  createdAt: number,
];

export interface DataSet {
  users: UserRow[];
  conversations: ConversationRow[];
  messages: MessageRow[];
  userA: string;
  userB: string;
  bigId: string;
  /** A typical conversation (20 messages) of A's, the newest such, for comparison with the big one. */
  smallId: string;
  bigTitle: string;
  lastBigMessage: string;
  langShare: Record<Lang, number>;
}

/** What the benchmark knows about the seeded database. */
export interface Seeded extends Omit<DataSet, "users" | "conversations" | "messages"> {
  seedSeconds: number;
  dbBytes: number;
  /** How the rows were written (for the docs). */
  how: string;
}

/** Message counts per conversation: skewed (many short chats, some long), exactly `total` in all, each ≥ 2. */
function messageCounts(r: Rng, conversations: number, total: number): number[] {
  const weights = Array.from({ length: conversations }, () => r.next() ** 2.2 + 0.05);
  const sum = weights.reduce((s, w) => s + w, 0);
  const counts = weights.map((w) => Math.max(2, Math.round((w / sum) * total)));
  let diff = total - counts.reduce((s, c) => s + c, 0);
  for (let guard = 0; diff !== 0 && guard < 10_000_000; guard++) {
    const i = r.int(0, conversations - 1);
    if (diff > 0) {
      counts[i]++;
      diff--;
    } else if (counts[i] > 2) {
      counts[i]--;
      diff++;
    }
  }
  if (diff !== 0) throw new Error("could not distribute message counts");
  return counts;
}

export async function makeDataSet(
  modelIds: readonly string[],
  titleFrom: (text: string) => string,
  hashPassword: (p: string) => Promise<string>,
): Promise<DataSet> {
  const r = rng(20251125);
  const now = Date.now();
  const userA = randomUUID();
  const userB = randomUUID();
  const hash = await hashPassword(PASSWORD);
  const users: UserRow[] = [
    [userA, EMAIL_A, hash, "GLM-4-Air", now - 200 * DAY],
    [userB, EMAIL_B, hash, "GLM-4-Flash", now - 200 * DAY],
  ];
  const conversations: ConversationRow[] = [];
  const messages: MessageRow[] = [];
  const langShare: Record<Lang, number> = { en: 0, zh: 0, ja: 0 };
  const countOf = new Map<string, number>();

  interface Conv {
    id: string;
    createdAt: number;
    updatedAt: number;
    topic: number;
    model: string;
    count: number;
  }
  const plan = (n: number, total: number): Conv[] =>
    messageCounts(r, n, total)
      .map((count) => {
        const createdAt = now - Math.floor(r.next() * SEED.days * DAY);
        // Most chats end the day they start; some are picked up again days later.
        const span = r.chance(0.8) ? r.int(1, 3 * 3600_000) : r.int(1, 20 * DAY);
        return {
          id: randomUUID(),
          createdAt,
          updatedAt: Math.min(now - 60_000, createdAt + span),
          topic: pickTopic(r),
          model: r.pick(modelIds),
          count,
        };
      })
      .sort((a, b) => a.createdAt - b.createdAt); // seq follows creation, as in the app

  const write = (userId: string, convs: Conv[], countLangs: boolean) => {
    for (const c of convs) {
      const lang = topicLang(c.topic);
      if (countLangs) langShare[lang] += c.count;
      const texts: string[] = [];
      for (let i = 0; i < c.count; i++)
        texts.push(i % 2 === 0 ? userMessage(r, c.topic) : assistantMessage(r, c.topic));
      const renamed = r.chance(0.03);
      const title = renamed
        ? (lang === "en" ? "Notes: " : "メモ ") + titleFrom(texts[0]).slice(0, 30)
        : titleFrom(texts[0]);
      const settings = r.chance(0.1) ? JSON.stringify({ temperature: 0.7 }) : "{}";
      conversations.push([c.id, userId, title, renamed, c.model, settings, c.createdAt, c.updatedAt]);
      countOf.set(c.id, c.count);
      const step = Math.max(1, Math.floor((c.updatedAt - c.createdAt) / c.count));
      for (let i = 0; i < c.count; i++) {
        const assistant = i % 2 === 1;
        const status = assistant && r.chance(0.005) ? "stopped" : "complete";
        messages.push([
          randomUUID(),
          c.id,
          assistant ? "assistant" : "user",
          texts[i],
          assistant ? c.model : null,
          status,
          null,
          c.createdAt + i * step,
        ]);
      }
    }
  };

  // User A: 5,000 conversations / 100,000 messages.
  const convsA = plan(SEED.conversationsA, SEED.messagesA);
  write(userA, convsA, true);
  // User B: 500 conversations / 10,000 messages, same kind of text (so the same searches hit B's rows too).
  const convsB = plan(SEED.conversationsB, SEED.messagesB);
  write(userB, convsB, false);
  // A few of B's messages carry A's rare word, to catch a search that forgets the owner.
  for (const c of convsB.slice(0, 5)) {
    messages.push([
      randomUUID(),
      c.id,
      "user",
      "Voronoi tessellation question from user B (must not show up for A).",
      null,
      "complete",
      null,
      now - DAY,
    ]);
  }

  // The 1,000-message conversation: alternating user / assistant, a few hundred characters each, markdown and code.
  const bigId = randomUUID();
  const bigTopic = 0; // English programming: the one with code blocks
  const bigTexts: string[] = [];
  for (let i = 0; i < SEED.bigMessages; i++) {
    if (i % 2 === 0) {
      let t = userMessage(r, bigTopic);
      while (t.length < 150) t += " " + userMessage(r, bigTopic);
      bigTexts.push(t);
    } else {
      let t = assistantMessage(r, r.chance(0.85) ? bigTopic : pickTopic(r, "zh"), true);
      if (r.chance(0.1)) t += "\n\n" + markdownTable(r);
      while (t.length < 250) t += "\n\n" + assistantMessage(r, bigTopic);
      if (t.length > 1200) t = t.slice(0, t.lastIndexOf("\n\n", 1200) > 200 ? t.lastIndexOf("\n\n", 1200) : 1200);
      if ((t.match(/```/g)?.length ?? 0) % 2) t += "\n```";
      bigTexts.push(t);
    }
  }
  const bigTitle = titleFrom(bigTexts[0]);
  const bigCreated = now - 30 * DAY;
  const bigUpdated = now - 3600_000;
  conversations.push([bigId, userA, bigTitle, false, "GLM-4-Plus", "{}", bigCreated, bigUpdated]);
  const step = Math.floor((bigUpdated - bigCreated) / SEED.bigMessages);
  bigTexts.forEach((text, i) =>
    messages.push([
      randomUUID(),
      bigId,
      i % 2 ? "assistant" : "user",
      text,
      i % 2 ? "GLM-4-Plus" : null,
      "complete",
      null,
      bigCreated + i * step,
    ]),
  );

  const small = convsA.filter((c) => countOf.get(c.id) === 20).sort((a, b) => b.updatedAt - a.updatedAt)[0];
  return {
    users,
    conversations,
    messages,
    userA,
    userB,
    bigId,
    smallId: small.id,
    bigTitle,
    lastBigMessage: bigTexts.at(-1)!,
    langShare,
  };
}

/**
 * Writes the data set with better-sqlite3 prepared statements, 5,000 rows per transaction. The triggers note each
 * message in the search backlog; `indexSearch` (the app's indexBacklog) moves it into the FTS5 indexes, as the app
 * does within a fraction of a second, so the file's size and every query see the indexes full.
 */
export function writeSqlite(sqlite: Database.Database, d: DataSet, indexSearch: (c: Database.Database) => void): void {
  const insertUser = sqlite.prepare(
    "insert into users (id, email, password_hash, last_model, created_at) values (?, ?, ?, ?, ?)",
  );
  const insertConversation = sqlite.prepare(`insert into conversations
    (id, user_id, title, title_from_user, model, settings, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertMessage = sqlite.prepare(`insert into messages
    (id, conversation_id, role, content, model, status, error, created_at) values (?, ?, ?, ?, ?, ?, ?, ?)`);
  sqlite.transaction(() => d.users.forEach((u) => insertUser.run(...u)))();
  const inBatches = <T extends unknown[]>(rows: T[], run: (row: T) => void) => {
    for (let i = 0; i < rows.length; i += 5_000) sqlite.transaction(() => rows.slice(i, i + 5_000).forEach(run))();
  };
  inBatches(d.conversations, (c) => insertConversation.run(c[0], c[1], c[2], c[3] ? 1 : 0, c[4], c[5], c[6], c[7]));
  inBatches(d.messages, (m) => insertMessage.run(...m));
  indexSearch(sqlite);
  sqlite.pragma("wal_checkpoint(TRUNCATE)");
}
