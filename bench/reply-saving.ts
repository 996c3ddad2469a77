/**
 * The cost of keeping replies safe while they stream (`npm run bench:saving`, also part of `npm run bench`):
 * - a reply's text saved as it grows (LiveReply: at most every 250 ms or 4 KB): one prepared UPDATE of the
 *   message row, timed at growing text sizes;
 * - the ledger row written when a request starts and completed when it ends (instead of one insert at the end),
 *   and the tokens counted so far written once a second while it streams.
 * In-process against a fresh SQLite file opened by the app's own `openDatabase` (WAL, synchronous=NORMAL), so
 * the figures are the database work alone; the section in docs/benchmarks.md turns them into a cost per stream.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { replaceDocSection, timeCallsAsync, type Stats } from "./support";

const ROOT = path.resolve(__dirname, "..");
const dir = mkdtempSync(path.join(os.tmpdir(), "glm-bench-saving-"));
process.env.DATABASE_URL = `file:${path.join(dir, "app.db")}`;

const us = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;
const row = (label: string, s: { cpu: Stats; wall: Stats }) =>
  `| ${label} | ${us(s.wall.p50)} | ${us(s.wall.p95)} | ${us(s.cpu.mean)} |`;

async function main() {
  const { getDb } = await import("@/db");
  const { saveReplyProgress } = await import("@/db/queries/messages");
  const { completeUsage, recordUsage, settleLedger, startUsage, usageProgress } = await import("@/db/queries/usage");
  const { commitTurnNow } = await import("@/db/engines/group-commit-sqlite");
  const db = getDb();
  // Seeding, and committing: the SQLite file's own handle (this bench measures the SQLite engine).
  const sqlite = (db as unknown as { $client: import("better-sqlite3").Database }).$client;
  /**
   * Each write measured with its own commit, as with one request at a time: the app groups the writes of one
   * event-loop turn into one commit and the ledger's into batches up to 50 ms apart, which under load costs
   * less per write (bench:doors measures that), but a lone write pays for its commit.
   */
  const committed = async <T>(write: () => Promise<T>): Promise<T> => {
    const done = write();
    settleLedger(db);
    commitTurnNow(sqlite);
    return done;
  };

  const userId = randomUUID();
  const conversationId = randomUUID();
  sqlite.prepare("insert into users (id, email) values (?, ?)").run(userId, `${userId}@example.com`);
  sqlite
    .prepare("insert into conversations (id, user_id, title, model) values (?, ?, 'bench', 'GLM-4-Flash')")
    .run(conversationId, userId);
  // A conversation with some history, as a real one has (the FTS triggers fire on message updates).
  const insert = sqlite.prepare(
    "insert into messages (id, conversation_id, role, content, status) values (?, ?, ?, ?, ?)",
  );
  for (let i = 0; i < 200; i++)
    insert.run(randomUUID(), conversationId, i % 2 ? "assistant" : "user", "history ".repeat(60), "complete");

  const lines: string[] = [];
  const sizes = [1, 8, 32, 128];
  const saves: { kb: number; result: Awaited<ReturnType<typeof timeCallsAsync>> }[] = [];
  for (const kb of sizes) {
    const id = randomUUID();
    insert.run(id, conversationId, "assistant", "", "streaming");
    const text = "流式回复 streaming reply ".repeat(Math.ceil((kb * 1024) / 30)).slice(0, kb * 1024);
    let n = 0;
    // Each save writes the whole text so far, one character longer than the last, as a growing reply does.
    // One size at a time: measured calls must not interleave.
    saves.push({
      kb,
      result: await timeCallsAsync(() => committed(() => saveReplyProgress(db, { id, content: text + String(n++) })), {
        reps: 400,
        budgetMs: 3000,
      }),
    });
  }
  for (const s of saves) lines.push(row(`save the reply's text, ${s.kb} KB so far`, s.result));

  const who = { userId, apiKeyId: null, source: "chat" as const, model: "GLM-4-Flash", stream: true };
  const oneShot = await timeCallsAsync(
    () =>
      committed(() =>
        recordUsage(db, {
          ...who,
          createdAt: Date.now(),
          status: 200,
          durationMs: 900,
          promptTokens: 40,
          completionTokens: 300,
        }),
      ),
    { reps: 400, budgetMs: 3000 },
  );
  const startEnd = await timeCallsAsync(
    async () => {
      const id = await committed(() => startUsage(db, { ...who, createdAt: Date.now(), durationMs: 0 }));
      await committed(() =>
        completeUsage(db, {
          id,
          status: 200,
          errorCode: null,
          ttftMs: 80,
          durationMs: 900,
          promptTokens: 40,
          completionTokens: 300,
        }),
      );
    },
    { reps: 400, budgetMs: 3000 },
  );
  const progressId = await committed(() => startUsage(db, { ...who, createdAt: Date.now(), durationMs: 0 }));
  let tokens = 0;
  const progress = await timeCallsAsync(
    () =>
      committed(() =>
        usageProgress(db, { id: progressId, promptTokens: 40, completionTokens: tokens++, durationMs: 1000 }),
      ),
    { reps: 400, budgetMs: 3000 },
  );
  lines.push(row("ledger: one row at the end (before)", oneShot));
  lines.push(row("ledger: row at start + completion at the end (now)", startEnd));
  lines.push(row("ledger: tokens so far, once a second while streaming", progress));

  // A typical long chat reply: 30 s, ~8 KB of text (≈ 2,000 tokens): 120 saves at 250 ms, 30 progress writes.
  const mid = saves.find((s) => s.kb === 8)!.result.cpu.mean;
  const perStream = 120 * mid + 30 * progress.cpu.mean + (startEnd.cpu.mean - oneShot.cpu.mean);
  const section = [
    "## Reply saving",
    "",
    `\`npm run bench:saving\` (bench/reply-saving.ts), ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ` +
      `${os.cpus().length} cores. The database work that keeps a streaming reply safe, in-process on a fresh SQLite ` +
      "file opened by the app's `openDatabase` (WAL, synchronous=NORMAL, the search backlog triggers on messages), 200 " +
      "messages of history in the conversation, each write with its own commit as with one request at a time (under " +
      "load the app commits a turn of the event loop's writes together and the ledger's in batches up to 50 ms apart: " +
      "bench:doors). Wall time per call (p50 / p95) and this process's CPU per call (mean).",
    "",
    "| write | wall p50 | wall p95 | CPU mean |",
    "|---|---|---|---|",
    ...lines,
    "",
    `Per stream: a 30-second reply of ~8 KB saves its text ~120 times (every 250 ms) and its tokens 30 times, and its ` +
      `ledger row costs one write more than before: about **${(perStream).toFixed(1)} ms of CPU per stream**, ` +
      "when each write is committed alone; a whole short chat turn (16 words) costs the server ~2.7 ms at 32 streams " +
      "(Gateway and chat doors), ~20 ms when it was first profiled (../shared/notes/perf-chat-door.md). A short reply " +
      "(under 250 ms, e.g. the gateway benchmark's 16 words) makes no progress write at all: only the ledger's start " +
      "row. A streaming reply stays out of the search indexes until it ends (migration 0010): before that, every " +
      "save re-indexed the whole text in both FTS5 indexes, 0.6 ms of CPU per save at 8 KB and 10.6 ms at 128 KB, " +
      "about 72 ms per such stream. The row's own write still grows with the text: the 128 KB row is the ceiling " +
      "for very long replies (4 KB batches keep the count of saves bounded by time, not by size).",
    "",
  ].join("\n");
  console.log(section);
  if (!process.argv.includes("--quick")) console.log(`written to ${replaceDocSection(ROOT, "Reply saving", section)}`);
  rmSync(dir, { recursive: true, force: true });
}

void main();
