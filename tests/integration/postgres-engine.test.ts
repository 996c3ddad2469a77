import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import Database from "better-sqlite3";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { eq, getTableName, is, type SQL } from "drizzle-orm";
import { getTableConfig, PgDialect, PgTable } from "drizzle-orm/pg-core";
import postgres from "postgres";
import { migratePostgres, openPostgres, PG_MIGRATIONS, searchConversationIds, type PgDb } from "@/db/engines/postgres";
import * as schema from "@/db/pg/schema";
import { cjkGrams } from "@/db/search/cjk";

/**
 * The PostgreSQL engine on a real server (TEST_DATABASE_URL, which npm test provides): migrations under
 * concurrency, the schema they create, and search behaving like the SQLite FTS5 search.
 * Works in a database of its own, created on that server and dropped at the end.
 */
const serverUrl = process.env.TEST_DATABASE_URL;
if (!serverUrl) throw new Error("TEST_DATABASE_URL is not set: run the integration tests through `npm test`.");

const name = `glm_engine_${process.pid}_${Date.now() % 1e6}`;
const url = Object.assign(new URL(serverUrl), { pathname: `/${name}` }).toString();
const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
let db: PgDb;

before(async () => {
  await admin.unsafe(`create database "${name}" template template0 encoding 'UTF8'`);
});
after(async () => {
  await db?.$client.end();
  await admin.unsafe(`drop database if exists "${name}" with (force)`);
  await admin.end();
});

const tables = (Object.values(schema) as unknown[]).filter((t): t is PgTable => is(t, PgTable));

describe("migratePostgres", () => {
  test("two instances migrating an empty database at once both succeed, and each migration runs once", async () => {
    await Promise.all([migratePostgres(url), migratePostgres(url)]);
    await migratePostgres(url); // and a later start is a no-op
    db = openPostgres(url, { max: 4 });
    const journal = JSON.parse(readFileSync(path.join(PG_MIGRATIONS, "meta/_journal.json"), "utf8"));
    const [{ n }] = await db.$client`select count(*) as n from drizzle.__drizzle_migrations`;
    assert.equal(n, journal.entries.length);
  });

  test("every table and index of db/pg/schema.ts exists, plus the search indexes", async () => {
    const have = new Set(
      (await db.$client`select tablename from pg_tables where schemaname = 'public'`).map((r) => r.tablename as string),
    );
    for (const t of tables) assert.ok(have.has(getTableName(t)), `table ${getTableName(t)}`);
    const indexes = new Set(
      (await db.$client`select indexname from pg_indexes where schemaname = 'public'`).map(
        (r) => r.indexname as string,
      ),
    );
    const expected = tables.flatMap((t) => getTableConfig(t).indexes.map((i) => i.config.name!));
    expected.push(
      "messages_content_trgm_idx",
      "messages_cjk_idx",
      "conversations_title_trgm_idx",
      "conversations_title_cjk_idx",
    );
    for (const i of expected) assert.ok(indexes.has(i), `index ${i}`);
  });

  test("the SQL cjk_grams() gives exactly db/search/cjk.ts cjkGrams()", async () => {
    for (const text of [
      "量子计算と日本語のテキスト",
      "abc 한국어 ひらがなカタカナー 𠀀𠀁 x",
      "no cjk at all",
      "中",
      "々〇",
    ]) {
      const [{ grams }] = await db.$client`select cjk_grams(${text}) as grams`;
      assert.deepEqual([...grams].sort(), cjkGrams(text).split(" ").filter(Boolean).sort(), text);
    }
  });
});

describe("npm run db:migrate", () => {
  const cli = (databaseUrl: string) =>
    promisify(execFile)("node_modules/.bin/tsx", ["scripts/db-migrate.ts"], {
      env: { ...process.env, DATABASE_URL: databaseUrl },
      encoding: "utf8",
    });

  test("migrates the PostgreSQL database DATABASE_URL names (again: a no-op)", async () => {
    const other = `${name}_cli`;
    await admin.unsafe(`create database "${other}" template template0 encoding 'UTF8'`);
    try {
      const otherUrl = Object.assign(new URL(serverUrl!), { pathname: `/${other}` }).toString();
      await Promise.all([cli(otherUrl), cli(otherUrl)]);
      const check = postgres(otherUrl, { max: 1, onnotice: () => {} });
      try {
        const [{ n }] = await check`select count(*)::int as n from drizzle.__drizzle_migrations`;
        const [{ grams }] = await check`select cjk_grams('中文') as grams`;
        const journal = JSON.parse(readFileSync(path.join(PG_MIGRATIONS, "meta/_journal.json"), "utf8"));
        assert.equal(n, journal.entries.length);
        assert.deepEqual([...grams].sort(), ["中", "中文", "文"]);
      } finally {
        await check.end();
      }
    } finally {
      await admin.unsafe(`drop database if exists "${other}" with (force)`);
    }
  });

  test("migrates a SQLite file (file:…), creating it private, with the CJK index filled through cjk_grams()", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "glm-migrate-"));
    try {
      const file = path.join(dir, "data", "app.db");
      const { stdout } = await cli(`file:${file}`);
      assert.match(stdout, /is at the latest migration/);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      const sqlite = new Database(file, { readonly: true });
      try {
        const names = sqlite
          .prepare("select name from sqlite_master")
          .all()
          .map((r) => (r as { name: string }).name);
        for (const t of ["conversations", "messages", "messages_fts", "messages_cjk", "usage_hourly"])
          assert.ok(names.includes(t), t);
      } finally {
        sqlite.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("searchConversationIds", () => {
  let t = Date.UTC(2025, 0, 1);
  async function conversation(userId: string, id: string, title: string, texts: string[], status = "complete") {
    t += 1000;
    await db.insert(schema.conversations).values({ id, userId, title, model: "glm-4", createdAt: t, updatedAt: t });
    await db.insert(schema.messages).values(
      texts.map((content, i) => ({
        id: `${id}-m${i}`,
        conversationId: id,
        role: i % 2 ? ("assistant" as const) : ("user" as const),
        content,
        status: (i === texts.length - 1 ? status : "complete") as schema.MessageStatus,
        createdAt: t,
      })),
    );
  }
  const search = (query: string, userId = "alice", limit = 20) => searchConversationIds(db, { userId, query, limit });

  before(async () => {
    await db.insert(schema.users).values([
      { id: "alice", email: "alice@example.com" },
      { id: "bob", email: "bob@example.com" },
    ]);
    await conversation("alice", "a-quantum", "Physics chat", ["Tell me about Quantum computing", "Qubits are…"]);
    await conversation("alice", "a-holiday", "Holiday plans", ["Where should we go?", "Somewhere warm."]);
    await conversation("alice", "a-zh", "北京旅行", ["我们来讨论量子计算的未来", "好的。"]);
    await conversation("alice", "a-ja", "日本語の練習", ["日本語のテキストです", "カタカナーも"]);
    await conversation("alice", "a-nasty", "Odd characters", [
      "Progress: 100% done",
      'path C:\\temp\\a_b it\'s "quoted"',
    ]);
    await conversation(
      "alice",
      "a-stream",
      "Live",
      ["Tell me about zebras", "Zebras have stripes and 斑马"],
      "streaming",
    );
    await conversation("bob", "b-quantum", "Bob's quantum", ["quantum computing again", "量子计算"]);
  });

  test("finds English substrings in messages and titles, case-insensitively, newest first", async () => {
    assert.deepEqual(await search("quantum"), ["a-quantum"]);
    assert.deepEqual(await search("QUANTUM comp"), ["a-quantum"]);
    assert.deepEqual(await search("liday"), ["a-holiday"]);
    assert.deepEqual(await search("about"), ["a-stream", "a-quantum"]); // a streaming reply's prompt is complete
    assert.deepEqual(await search("where"), ["a-holiday"]);
    assert.deepEqual(await search("nothing like this"), []);
  });

  test("finds Chinese and Japanese queries of 1, 2 and 3+ characters, in text and titles", async () => {
    assert.deepEqual(await search("量子计"), ["a-zh"]);
    assert.deepEqual(await search("计算"), ["a-zh"]);
    assert.deepEqual(await search("量"), ["a-zh"]);
    assert.deepEqual(await search("北京"), ["a-zh"]); // title, 2 characters
    assert.deepEqual(await search("旅行"), ["a-zh"]);
    assert.deepEqual(await search("日本"), ["a-ja"]);
    assert.deepEqual(await search("テ"), ["a-ja"]);
    assert.deepEqual(await search("のテキ"), ["a-ja"]);
    assert.deepEqual(await search("ナー"), ["a-ja"]);
    assert.deepEqual(await search("語"), ["a-ja"]);
    assert.deepEqual(await search("算量"), []); // both characters occur, never adjacent
    assert.deepEqual(await search("练"), []);
  });

  test("never returns another user's conversations", async () => {
    assert.deepEqual(await search("computing"), ["a-quantum"]);
    assert.deepEqual(await search("computing", "bob"), ["b-quantum"]);
    assert.deepEqual(await search("量子", "bob"), ["b-quantum"]);
    assert.deepEqual(await search("quantum", "nobody"), []);
  });

  test("a streaming reply is not searchable until it ends, and leaves the index again on Continue", async () => {
    assert.deepEqual(await search("stripes"), []);
    assert.deepEqual(await search("斑马"), []);
    assert.deepEqual(await search("马"), []);
    await db.update(schema.messages).set({ status: "complete" }).where(eq(schema.messages.id, "a-stream-m1"));
    assert.deepEqual(await search("stripes"), ["a-stream"]);
    assert.deepEqual(await search("斑马"), ["a-stream"]);
    assert.deepEqual(await search("马"), ["a-stream"]);
    await db.update(schema.messages).set({ status: "streaming" }).where(eq(schema.messages.id, "a-stream-m1"));
    assert.deepEqual(await search("stripes"), []);
    assert.deepEqual(await search("zebra"), ["a-stream"]); // the prompt still matches
  });

  test("LIKE metacharacters, quotes, backslashes and control characters are plain text", async () => {
    assert.deepEqual(await search("100%"), ["a-nasty"]);
    assert.deepEqual(await search("%"), ["a-nasty"]);
    assert.deepEqual(await search("0% d"), ["a-nasty"]);
    assert.deepEqual(await search("a_b"), ["a-nasty"]);
    assert.deepEqual(await search("_"), ["a-nasty"]);
    assert.deepEqual(await search("C:\\temp"), ["a-nasty"]);
    assert.deepEqual(await search("\\"), ["a-nasty"]);
    assert.deepEqual(await search('it\'s "quoted"'), ["a-nasty"]);
    assert.deepEqual(await search("q%m"), []);
    assert.deepEqual(await search("Q_antum"), []);
    assert.deepEqual(await search("qu\0antum"), []); // NUL, which PostgreSQL text cannot hold, becomes a space
    assert.deepEqual(await search("\0\0"), []);
    assert.deepEqual(await search("'; drop table users; --"), []);
    assert.deepEqual(await search("\ud800 lone surrogate"), []);
    assert.deepEqual(await search("   "), []);
    const [{ n }] = await db.$client`select count(*) as n from users`;
    assert.equal(n, 2);
  });

  test("respects the limit, newest first", async () => {
    assert.deepEqual(await search("e", "alice", 2), ["a-stream", "a-nasty"]);
    assert.deepEqual(await search("quantum", "alice", 0), []);
  });

  test("the planner can answer each kind of query from the search indexes", async () => {
    // On a handful of rows walking the user's own conversations is cheaper, and the planner rightly does
    // that; so, inside a transaction that is rolled back, take those paths away and see what is left.
    const plan = async (query: string, path: "index" | "hashed" = "index") => {
      let text = "";
      const statement = await explainable(query, path);
      await db.$client
        .begin(async (tx) => {
          await tx`set local enable_seqscan = off`;
          await tx`drop index conversations_user_updated_idx, messages_conversation_idx`;
          text = (await tx.unsafe(`explain ${statement}`)).map((r) => r["QUERY PLAN"]).join("\n");
          throw new Rollback();
        })
        .catch((e) => {
          if (!(e instanceof Rollback)) throw e;
        });
      return text;
    };
    assert.match(await plan("quantum"), /messages_content_trgm_idx/);
    assert.match(await plan("quantum"), /conversations_title_trgm_idx/);
    assert.match(await plan("量子计"), /messages_content_trgm_idx/);
    assert.match(await plan("量子"), /messages_cjk_idx/);
    // The hashed walk: the matching messages' conversations hashed once from the index (never a SubPlan run per
    // conversation), the user's conversations looked up in it.
    for (const [query, index] of [
      ["quantum", /messages_content_trgm_idx/],
      ["量子计", /messages_content_trgm_idx/],
      ["量子", /messages_cjk_idx/],
    ] as const) {
      const hashed = await plan(query, "hashed");
      assert.match(hashed, /hashed SubPlan/, `${query}: hashed`);
      assert.match(hashed, index, `${query}: ${index}`);
    }
  });

  test("row by row, ASCII queries fold ASCII only: exact, as only İ and the Kelvin sign lowercase to ASCII here", async () => {
    // What rowHit in db/engines/postgres.ts relies on, checked against this database's own lower(): no other
    // code point lowercases to anything holding an ASCII letter, and A–Z lowercase to a–z (not a Turkish locale).
    const odd =
      await db.$client`select string_agg(chr(cp), '' order by cp) as chars from generate_series(128, 1114111) cp
      where (cp < 55296 or cp > 57343) and lower(chr(cp)) ~ '[A-Za-z]'`;
    assert.ok(["\u0130\u212a", "\u212a", "\u0130", null].includes(odd[0].chars), `lowercase to ASCII: ${odd[0].chars}`);
    const [{ folds }] =
      await db.$client`select lower('ABCDEFGHIJKLMNOPQRSTUVWXYZ') = 'abcdefghijklmnopqrstuvwxyz' as folds`;
    assert.equal(folds, true);
  });

  test("the walk, the hashed walk and the index path return the same", async () => {
    // carol has more conversations than the sample reads, so every choice is taken: common terms walk on or
    // hash the index's matches, rare ones go to the indexes; forced, every path must agree with the choice.
    await db.insert(schema.users).values({ id: "carol", email: "carol@example.com" });
    for (let i = 0; i < 80; i++) {
      const texts = [
        i % 2 ? "Nothing much" : "An APPLE a day",
        i % 7 ? "ok" : "Rare zebra sighting",
        i % 3 ? "fine" : "数据库的索引",
        i % 29 ? "bye" : "mango 量子",
      ];
      if (i === 1) texts.push("apple in a reply still streaming");
      // Lowercased by the locale to i and k: ASCII folding alone would miss them (db/engines/postgres.ts rowHit).
      if (i % 11 === 4) texts.push(i % 2 ? "\u0130stanbul in spring" : "25 \u212aelvin above");
      await conversation(
        "carol",
        `c-${i}`,
        i % 10 ? `Chat ${i}` : `Kiwi 旅行 ${i}`,
        texts,
        i === 1 ? "streaming" : "complete",
      );
    }
    // The automatic choice reads pg_class.reltuples: with statistics, as a running database has them.
    await db.$client`analyze`;
    const statements: string[] = [];
    const recording = {
      execute: (q: SQL) => {
        statements.push(new PgDialect().sqlToQuery(q).sql);
        return db.execute(q);
      },
    } as unknown as PgDb;
    const chosen = new Set<string>();
    const all = async (query: string, limit: number) => {
      statements.length = 0;
      const auto = await searchConversationIds(recording, { userId: "carol", query, limit });
      const [sample, next] = statements;
      if (sample?.includes("cross join lateral"))
        chosen.add(
          next === undefined
            ? "sample"
            : next.includes(" in (\n")
              ? "sample, hashed walk"
              : next.includes("exists (")
                ? "sample, walk"
                : "sample, index",
        );
      const forced = await Promise.all(
        (["index", "walk", "hashed"] as const).map((path) =>
          searchConversationIds(db, { userId: "carol", query, limit, path }),
        ),
      );
      return [auto, ...forced];
    };
    for (const query of [
      "apple",
      "APPLE a",
      "zebra",
      "旅行",
      "kiwi",
      "数据库",
      "数据",
      "mango",
      "量子",
      "量",
      "e",
      "a d",
      "nothing at all",
      "istanbul",
      "ISTANBUL in",
      "\u0130stanbul",
      "kelvin",
      "5 k",
      "elvin",
    ]) {
      for (const limit of [1, 5, 20, 50]) {
        const [auto, index, walk, hashed] = await all(query, limit);
        assert.deepEqual(index, auto, `${query} / ${limit}: index path`);
        assert.deepEqual(walk, auto, `${query} / ${limit}: walk`);
        assert.deepEqual(hashed, auto, `${query} / ${limit}: hashed walk`);
      }
    }
    assert.deepEqual([...chosen].sort(), ["sample", "sample, hashed walk", "sample, index", "sample, walk"]);
    assert.deepEqual((await all("istanbul", 50))[0], ["c-59", "c-37", "c-15"]);
    assert.deepEqual((await all("kelvin", 50))[0], ["c-70", "c-48", "c-26", "c-4"]);
    const [apple] = await all("apple", 50);
    assert.deepEqual(
      apple,
      Array.from({ length: 40 }, (_, k) => `c-${78 - 2 * k}`),
    );
    assert.deepEqual((await all("mango", 50))[0], ["c-58", "c-29", "c-0"]);
    assert.deepEqual((await all("旅行", 3))[0], ["c-70", "c-60", "c-50"]);
  });
});

class Rollback extends Error {}

/** The statement a forced path sends for `query`, with its parameters inlined, to EXPLAIN it. */
async function explainable(query: string, path: "index" | "hashed"): Promise<string> {
  let captured = "";
  const capture = {
    execute: async (q: SQL) => {
      const { sql: text, params } = new PgDialect().sqlToQuery(q);
      captured = text.replace(/\$(\d+)/g, (_, i) => {
        const v = params[Number(i) - 1];
        return typeof v === "number" ? String(v) : `'${String(v).replace(/'/g, "''")}'`;
      });
      return [];
    },
  } as unknown as PgDb;
  await searchConversationIds(capture, { userId: "alice", query, limit: 20, path });
  return captured;
}
