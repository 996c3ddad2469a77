import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import Database from "better-sqlite3";
import { getTableName, is } from "drizzle-orm";
import { SQLiteTable } from "drizzle-orm/sqlite-core";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import postgres from "postgres";
import { openDatabase } from "@/db";
import { migratePostgres, openPostgres, searchConversationIds, type PgDb } from "@/db/engines/postgres";
import * as lite from "@/db/schema";

/**
 * npm run db:copy (scripts/db-copy.ts) from a SQLite file made by the app's own schema and migrations into
 * fresh PostgreSQL databases on TEST_DATABASE_URL's server (npm test sets it; or the URL
 * `node scripts/postgres.mjs` prints). Runs the script as a child process, as a person would; needs no
 * app server. Skipped without TEST_DATABASE_URL.
 */
const serverUrl = process.env.TEST_DATABASE_URL;
const skip = serverUrl ? false : "TEST_DATABASE_URL is not set (npm test sets it; or run node scripts/postgres.mjs)";

const stamp = `${process.pid}_${Date.now() % 1e6}`;
const dbUrl = (name: string) =>
  Object.assign(new URL(serverUrl ?? "postgres://x/y"), { pathname: `/${name}` }).toString();
const target = `glm_copy_${stamp}`;
const unmigrated = `glm_copy_raw_${stamp}`;

/** Every table of the SQLite schema, compared row for row: a new table is compared without being listed here. */
const TABLES = (Object.values(lite) as unknown[])
  .filter((t) => is(t, SQLiteTable))
  .map((t) => getTableName(t as SQLiteTable));
const FFFD = "\uFFFD";
const T = 1_790_000_000_000;
const HOUR = 3_600_000;

async function copy(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  try {
    const { stdout, stderr } = await promisify(execFile)("node_modules/.bin/tsx", ["scripts/db-copy.ts", ...args], {
      env,
      encoding: "utf8",
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** A SQLite installation made through the app's schema and migrations (openDatabase), with one of everything. */
async function seed(file: string) {
  const db = openDatabase(file);
  await db.insert(lite.users).values([
    {
      id: "u1",
      email: "ann@example.com",
      passwordHash: "scrypt$x",
      lastModel: "glm-4-flash",
      admin: true,
      mustChangePassword: true,
      createdAt: T,
    },
    { id: "u2", email: "bob@example.com", passwordHash: null, createdAt: T + 1 },
  ]);
  await db.insert(lite.apiKeys).values([
    { id: "k1", userId: "u1", name: "laptop", prefix: "sk-glm-aaaa", hash: "h1", createdAt: T, lastUsedAt: T + 5 },
    {
      id: "k2",
      userId: "u2",
      name: "old",
      prefix: "sk-glm-bbbb",
      hash: "h2",
      createdAt: T,
      revokedAt: T + 9,
      expiresAt: T + 99,
    },
  ]);
  await db.insert(lite.conversations).values([
    {
      seq: 5,
      id: "c1",
      userId: "u1",
      title: "量子计算 notes",
      model: "glm-4-flash",
      createdAt: T,
      updatedAt: T + 10,
      settings: { systemPrompt: "be brief\0", temperature: 0.3 },
    },
    {
      seq: 9,
      id: "c2",
      userId: "u1",
      title: "Renamed",
      titleFromUser: true,
      model: "glm-4-plus",
      createdAt: T,
      updatedAt: T + 20,
    },
    { seq: 12, id: "c3", userId: "u2", title: "Bob's", model: "glm-4-air", createdAt: T, updatedAt: T + 30 },
  ]);
  await db.insert(lite.messages).values([
    { seq: 3, id: "m1", conversationId: "c1", role: "user", content: "什么是量子计算？", createdAt: T },
    {
      seq: 4,
      id: "m2",
      conversationId: "c1",
      role: "assistant",
      content: "量子计算利用量子比特。",
      model: "glm-4-flash",
      createdAt: T + 1,
    },
    { seq: 7, id: "m3", conversationId: "c2", role: "user", content: "a NUL \0 here", createdAt: T + 2 },
    {
      seq: 8,
      id: "m4",
      conversationId: "c2",
      role: "assistant",
      content: "",
      status: "error",
      error: "upstream 500",
      createdAt: T + 3,
    },
    {
      seq: 40,
      id: "m5",
      conversationId: "c3",
      role: "assistant",
      content: "half a reply",
      status: "streaming",
      createdAt: T + 4,
    },
  ]);
  await db.insert(lite.shares).values({
    id: "s1",
    userId: "u1",
    conversationId: "c2",
    title: "Renamed",
    snapshot: {
      model: "glm-4-plus",
      messages: [{ role: "user", content: "a NUL \0 here", model: null, status: "complete" }],
    },
    createdAt: T + 5,
    updatedAt: T + 6,
  });
  await db.insert(lite.sessions).values([
    {
      id: "sess1",
      userId: "u1",
      createdAt: T,
      lastSeenAt: T + 1,
      expiresAt: T + 30 * 86_400_000,
      userAgent: "Firefox",
    },
    { id: "sess2", userId: "u2", createdAt: T, lastSeenAt: T, expiresAt: T + 1, userAgent: null },
  ]);
  await db.insert(lite.usage).values([
    {
      id: 100,
      createdAt: T,
      userId: "u1",
      apiKeyId: "k1",
      source: "api",
      model: "glm-4-flash",
      stream: true,
      status: 200,
      promptTokens: 10,
      completionTokens: 20,
      ttftMs: 300,
      durationMs: 900,
    },
    {
      id: 101,
      createdAt: T + 1,
      userId: "u1",
      apiKeyId: null,
      source: "chat",
      model: "glm-4-flash",
      stream: false,
      status: 429,
      errorCode: "rate_limit_exceeded",
      durationMs: 2,
    },
    // Left in progress by a process that died: recorded as interrupted, and added to the roll-up.
    {
      id: 205,
      createdAt: T + 2,
      userId: "u2",
      apiKeyId: "k2",
      source: "api",
      model: "glm-4-air",
      stream: true,
      status: 0,
      promptTokens: 7,
      completionTokens: 3,
      ttftMs: null,
      durationMs: 50,
    },
  ]);
  await db.insert(lite.usageHourly).values([
    {
      hour: Math.floor(T / HOUR) * HOUR,
      userId: "u1",
      apiKeyId: "k1",
      source: "api",
      model: "glm-4-flash",
      requests: 1,
      errors: 0,
      promptTokens: 10,
      completionTokens: 20,
      ttftSum: 300,
      ttftCount: 1,
    },
    {
      hour: Math.floor(T / HOUR) * HOUR,
      userId: "u1",
      apiKeyId: "",
      source: "chat",
      model: "glm-4-flash",
      requests: 1,
      errors: 0,
      promptTokens: 0,
      completionTokens: 0,
      ttftSum: 0,
      ttftCount: 0,
    },
  ]);
  // The catalogue as an admin left it (a model added, a default disabled), and a document on a message.
  await db.insert(lite.models).values([
    {
      key: "glm-4-flash",
      name: "GLM-4-Flash",
      upstreamId: "glm-4-flash",
      contextWindow: 128_000,
      maxOutputTokens: 4095,
      createdAt: T,
      updatedAt: T,
    },
    {
      key: "glm-4.7",
      name: "GLM-4.7",
      upstreamId: "glm-4.7",
      contextWindow: 200_000,
      maxOutputTokens: 8192,
      thinking: "optional",
      enabled: false,
      position: 1,
      createdAt: T,
      updatedAt: T,
    },
  ]);
  await db.insert(lite.attachments).values({
    id: "a1",
    userId: "u1",
    messageId: "m1",
    name: "notes.txt",
    mediaType: "text/plain",
    size: 53,
    text: "量子 notes with a NUL \0 in them",
    createdAt: T,
  });
  await db.insert(lite.authAttempts).values([
    { id: 1, bucket: "signin-account", key: "ann@example.com", createdAt: T },
    { id: 2, bucket: "signin-address", key: "10.0.0.1", createdAt: T + 1 },
  ]);
  (db as unknown as { $client: Database.Database }).$client.close();
}

/** A SQLite row as PostgreSQL should hold it: booleans, parsed JSON, NUL → U+FFFD, unfinished → interrupted. */
const BOOLEAN = new Set(["title_from_user", "stream", "admin", "enabled", "must_change_password"]);
const JSON_COLUMNS = new Set(["settings", "snapshot"]);
const scrub = (v: unknown): unknown =>
  typeof v === "string"
    ? v.replaceAll("\0", FFFD)
    : Array.isArray(v)
      ? v.map(scrub)
      : v && typeof v === "object"
        ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, scrub(x)]))
        : v;

function expected(table: string, row: Record<string, unknown>) {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    out[k] =
      v === null ? null : BOOLEAN.has(k) ? Boolean(v) : JSON_COLUMNS.has(k) ? scrub(JSON.parse(String(v))) : scrub(v);
  }
  if (table === "messages" && out.status === "streaming") out.status = "interrupted";
  if (table === "usage" && out.status === 0) Object.assign(out, { status: 500, error_code: "interrupted" });
  return out;
}

const sorted = (rows: Record<string, unknown>[]) =>
  rows
    .map((r) => JSON.stringify(Object.entries(r).sort()))
    .sort()
    .map((s) => Object.fromEntries(JSON.parse(s)));

describe("npm run db:copy", { skip }, () => {
  let dir: string;
  let file: string;
  let admin: postgres.Sql;
  let pg: PgDb;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "glm-copy-"));
    file = path.join(dir, "app.db");
    await seed(file);
    admin = postgres(serverUrl!, { max: 1, onnotice: () => {} });
    for (const name of [target, unmigrated]) {
      await admin.unsafe(`create database "${name}" template template0 encoding 'UTF8'`);
    }
    await migratePostgres(dbUrl(target));
    pg = openPostgres(dbUrl(target), { max: 2 });
    // An instance that started on the new database first seeded the default catalogue: the copy replaces it.
    await pg.$client`insert into models (key, name, upstream_id, context_window, max_output_tokens)
      values ('glm-4-plus', 'GLM-4-Plus', 'glm-4-plus', 128000, 4095)`;
  });
  after(async () => {
    await pg?.$client.end();
    for (const name of [target, unmigrated]) await admin?.unsafe(`drop database if exists "${name}" with (force)`);
    await admin?.end();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("refuses a database that is not migrated, and says how to migrate it", async () => {
    const r = await copy(["--from", `file:${file}`, "--to", dbUrl(unmigrated)]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /lacks \d+ migration\(s\).*npm run db:migrate/);
  });

  test("copies every table into the empty, migrated database and prints the counts", async () => {
    const r = await copy(["--from", `file:${file}`, "--to", dbUrl(target)]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    for (const [t, n] of [
      ["users", 2],
      ["messages", 5],
      ["usage", 3],
      ["usage_hourly", 2],
      ["auth_attempts", 2],
    ] as const) {
      assert.match(r.stdout, new RegExp(`^\\s+${t}\\s+${n}$`, "m"), r.stdout);
    }
    assert.match(r.stdout, /1 request\(s\) left in progress/);
  });

  test("every row arrives with its ids, converted (booleans, jsonb, NUL → U+FFFD)", async () => {
    const source = new Database(file, { readonly: true });
    try {
      for (const table of TABLES) {
        const want = (source.prepare(`select * from "${table}"`).all() as Record<string, unknown>[]).map((row) =>
          expected(table, row),
        );
        if (table === "usage_hourly") {
          // The in-progress request, closed as interrupted, joins the roll-up.
          want.push({
            hour: Math.floor((T + 2) / HOUR) * HOUR,
            user_id: "u2",
            api_key_id: "k2",
            source: "api",
            model: "glm-4-air",
            requests: 1,
            errors: 1,
            prompt_tokens: 7,
            completion_tokens: 3,
            ttft_sum: 0,
            ttft_count: 0,
          });
        }
        const got = await pg.$client.unsafe(`select * from "${table}"`);
        assert.deepEqual(sorted(got as unknown as Record<string, unknown>[]), sorted(want), table);
      }
    } finally {
      source.close();
    }
    const [m3] = await pg.$client`select content from messages where id = 'm3'`;
    assert.equal(m3.content, `a NUL ${FFFD} here`);
  });

  test("search on the copy finds CJK words (1-2 characters and longer) and only the owner's", async () => {
    assert.deepEqual(await searchConversationIds(pg, { userId: "u1", query: "量子", limit: 10 }), ["c1"]);
    assert.deepEqual(await searchConversationIds(pg, { userId: "u1", query: "量子比特", limit: 10 }), ["c1"]);
    assert.deepEqual(await searchConversationIds(pg, { userId: "u1", query: "nul", limit: 10 }), ["c2"]);
    assert.deepEqual(await searchConversationIds(pg, { userId: "u2", query: "量子", limit: 10 }), []);
  });

  test("new rows after the copy get keys after the copied ones (sequences reset)", async () => {
    const [msg] = await pg.$client`insert into messages (id, conversation_id, role, content)
      values ('m-new', 'c1', 'user', '新しい') returning seq`;
    assert.equal(msg.seq, 41);
    const [conv] = await pg.$client`insert into conversations (id, user_id, title, model)
      values ('c-new', 'u2', 'new', 'glm-4-flash') returning seq`;
    assert.equal(conv.seq, 13);
    const [row] = await pg.$client`insert into usage (created_at, user_id, source, model, stream, status, duration_ms)
      values (${T + 9}, 'u1', 'chat', 'glm-4-flash', false, 200, 5) returning id`;
    assert.equal(row.id, 206);
    const [attempt] = await pg.$client`insert into auth_attempts (bucket, key, created_at)
      values ('register-address', '10.0.0.9', ${T}) returning id`;
    assert.equal(attempt.id, 3);
  });

  test("a second copy into the now non-empty database is refused, and changes nothing", async () => {
    const [{ n: before }] = await pg.$client`select count(*)::int as n from messages`;
    const r = await copy(["--from", `file:${file}`, "--to", dbUrl(target)]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /is not empty \(users: 2,.*\): db:copy only copies into an empty database/);
    const [{ n: after }] = await pg.$client`select count(*)::int as n from messages`;
    assert.equal(after, before);
  });
});
