/**
 * The sidebar, search and conversation queries, timed in-process through the app's own functions
 * (db/queries/*) on whichever engine DATABASE_URL chose, with their plans.
 */
import { timeCallsAsync } from "../support";
import { ms } from "../lib/load";
import type { BenchEngine } from "./engine";
import { SEED, type Seeded } from "./seed";
import { TARGET_LIST_MS, TARGET_PAGE_MS, type Row } from "./types";
import { pathOf } from "./report-pg";
import { diagnoseSqliteSearch } from "./why-sqlite";
import type { Db } from "@/db";

export const SEARCHES: { q: string; kind: string }[] = [
  { q: "Voronoi", kind: "rare word" },
  { q: "database", kind: "common word" },
  { q: "the", kind: "very common 3-letter word (stress case)" },
  { q: "数据库", kind: "3-char CJK (trigram index)" },
  { q: "旅行", kind: "2-char CJK, common" },
  { q: "量子", kind: "2-char CJK, rare" },
  { q: "Quetzalcoatl", kind: "no hits" },
];

export interface UserText {
  n: number;
  bytes: number;
}

export async function measureQueries(
  db: Db,
  e: BenchEngine,
  s: Seeded,
  log: (m: string) => void,
  { onlySearch = false }: { onlySearch?: boolean } = {},
): Promise<{ rows: Row[]; userText: UserText }> {
  const { listConversations, searchConversations } = await import("@/db/queries/conversations");
  const { listMessages } = await import("@/db/queries/messages");
  const pg = e.name === "postgres";
  const rows: Row[] = [];
  const owned = new Set(
    (await e.all<{ id: string }>("select id from conversations where user_id = ?", [s.userA])).map((r) => r.id),
  );
  const record = async (row: Row, fn: (d: Db) => Promise<unknown>) => {
    const captured = await e.capture(fn);
    row.plan ??= (await Promise.all(captured.map((c) => e.explain(c)))).join("\n");
    // PostgreSQL: which of searchConversationIds' paths this search took, in the docs' "what" column.
    if (pg && row.group === "search") row.detail += `; ${pathOf(row.plan)}`;
    if (e.serverMs) row.serverMs = (await Promise.all(captured.map((c) => e.serverMs!(c)))).reduce((a, b) => a + b, 0);
    rows.push(row);
    log(
      `${row.name.padEnd(44)} p50 ${ms(row.s.p50).padStart(6)}  p95 ${ms(row.s.p95).padStart(6)}  max ${ms(row.s.max).padStart(6)} ms` +
        ` | CPU p50 ${ms(row.cpu.p50)} p95 ${ms(row.cpu.p95)} ms` +
        (row.serverMs !== undefined ? ` | server ${ms(row.serverMs)} ms` : "") +
        `  (${row.s.n} runs, ${row.rows} rows; ${row.detail})`,
    );
  };

  async function measureSidebar() {
    // Sidebar: first page, and a page after ~4,000 rows.
    const first = await timeCallsAsync(() => listConversations(db, { userId: s.userA, limit: 50 }), {
      warm: 30,
      reps: 500,
      minReps: 30,
      budgetMs: 5_000,
    });
    if (first.result.items.length !== 50 || !first.result.nextCursor)
      throw new Error("first page: expected 50 rows and a cursor");
    await record(
      {
        group: "sidebar",
        name: "listConversations, first page",
        detail: "50 newest",
        rows: first.result.items.length,
        s: first.wall,
        cpu: first.cpu,
        target: TARGET_LIST_MS,
      },
      (d) => listConversations(d, { userId: s.userA, limit: 50 }),
    );
    let cursor: string | null = null;
    let walked = 0;
    for (let i = 0; i < 80; i++) {
      // 80 pages × 50 = 4,000 rows
      const page = await listConversations(db, { userId: s.userA, limit: 50, cursor });
      walked += page.items.length;
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    if (walked !== 4_000 || !cursor) throw new Error(`deep page: walked ${walked} rows`);
    const deep = await timeCallsAsync(() => listConversations(db, { userId: s.userA, limit: 50, cursor }), {
      warm: 30,
      reps: 500,
      minReps: 30,
      budgetMs: 5_000,
    });
    if (deep.result.items.length !== 50) throw new Error("deep page: expected 50 rows");
    await record(
      {
        group: "sidebar",
        name: "listConversations, page after 4,000 rows",
        detail: "cursor from walking 80 pages of 50",
        rows: deep.result.items.length,
        s: deep.wall,
        cpu: deep.cpu,
        target: TARGET_LIST_MS,
      },
      (d) => listConversations(d, { userId: s.userA, limit: 50, cursor }),
    );
  }

  async function measureOpen() {
    // Opening the 1,000-message conversation: the data part (ownership check + all messages).
    const open = await timeCallsAsync(() => listMessages(db, { userId: s.userA, conversationId: s.bigId }), {
      warm: 10,
      reps: 200,
      minReps: 30,
      budgetMs: 5_000,
    });
    if (open.result?.length !== SEED.bigMessages) throw new Error("listMessages: wrong count");
    await record(
      {
        group: "open",
        name: "listMessages, 1,000-message conversation",
        detail: "ownership check + 1,000 rows",
        rows: open.result.length,
        s: open.wall,
        cpu: open.cpu,
        target: TARGET_PAGE_MS,
      },
      (d) => listMessages(d, { userId: s.userA, conversationId: s.bigId }),
    );
    if ((await listMessages(db, { userId: s.userB, conversationId: s.bigId })) !== undefined)
      throw new Error("listMessages returned another user's conversation");
  }

  if (!onlySearch) await measureSidebar();

  // Search. Counts of what matches, by substring (LIKE on SQLite, which folds ASCII case; ILIKE on PostgreSQL).
  const likeOp = pg ? "ilike" : "like";
  const userText = (
    await e.all<UserText>(
      `select count(*) as n, sum(${pg ? "octet_length(m.content)" : "length(cast(m.content as blob))"}) as bytes
    from messages m join conversations c on c.id = m.conversation_id where c.user_id = ?`,
      [s.userA],
    )
  )[0];
  for (const { q, kind } of SEARCHES) {
    const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const msgs = (
      await e.all<{ n: number; c: number }>(
        `select count(*) as n, count(distinct m.conversation_id) as c from messages m
      join conversations c on c.id = m.conversation_id where c.user_id = ? and m.content ${likeOp} ? escape '\\'`,
        [s.userA, like],
      )
    )[0];
    const convs = (
      await e.all<{ n: number }>(
        `select count(*) as n from conversations c where c.user_id = ? and (c.title ${likeOp} ? escape '\\'
      or exists (select 1 from messages m where m.conversation_id = c.id and m.content ${likeOp} ? escape '\\'))`,
        [s.userA, like, like],
      )
    )[0].n;
    const m = await timeCallsAsync(() => searchConversations(db, { userId: s.userA, query: q, limit: 50 }), {
      warm: 10,
      reps: 300,
      minReps: 20,
      budgetMs: 5_000,
    });
    const leaked = m.result.filter((c) => !owned.has(c.id)).length;
    if (leaked) throw new Error(`search "${q}" returned ${leaked} conversations of another user`);
    if (m.result.length !== Math.min(50, convs)) {
      log(
        `note: search "${q}" returned ${m.result.length} conversations; a substring count says ${Math.min(50, convs)}`,
      );
    }
    const fn = (d: Db) => searchConversations(d, { userId: s.userA, query: q, limit: 50 });
    const row: Row = {
      group: "search",
      name: `searchConversations "${q}"`,
      detail:
        `${kind}; ${msgs.n.toLocaleString("en")} of A's messages match, in ${msgs.c.toLocaleString("en")} conversations; ` +
        `${convs.toLocaleString("en")} conversations match incl. titles`,
      rows: m.result.length,
      s: m.wall,
      cpu: m.cpu,
      target: TARGET_LIST_MS,
    };
    // SQLite: explain the queries whose own cost (CPU time) is over or near the target.
    if (e.sqlite && row.cpu.p95 >= 0.75 * row.target) {
      Object.assign(row, diagnoseSqliteSearch(e.sqlite, q, like, (await e.capture(fn))[0], msgs, userText));
    }
    await record(row, fn);
  }

  if (!onlySearch) await measureOpen();
  return { rows, userText };
}
