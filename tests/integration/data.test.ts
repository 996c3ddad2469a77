/**
 * Your data in and out, against the real server (SQLite, and PostgreSQL in npm test's second pass): the
 * import route writes batches idempotently and refuses bad ones whole, the export routes answer only the
 * owner, and "Delete account" checks the password and removes exactly that account's rows.
 */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { parseImport } from "@/lib/data/parse";
import type { ImportBatch } from "@/lib/data/schema";
import { APP_URL, sqlRow } from "./helpers";
import { alertText, HttpSession, PASSWORD, uniqueEmail } from "./http-session";

const JSON_HEADERS = { "content-type": "application/json", origin: APP_URL, "sec-fetch-site": "same-origin" };

async function account() {
  const email = uniqueEmail("data");
  const s = new HttpSession();
  const r = await s.register(email, PASSWORD);
  assert.equal(r.status, 303, alertText(r.body));
  const { id } = (await sqlRow<{ id: string }>("select id from users where email = ?", [email]))!;
  return { email, s, id };
}

const t0 = Date.UTC(2025, 0, 1);
const batch = (sourceId: string, text = "hello"): ImportBatch => ({
  source: "chatgpt",
  conversations: [
    {
      sourceId,
      title: `京都 ${sourceId}`,
      model: "GLM-4-Air",
      settings: {},
      createdAt: t0,
      updatedAt: t0,
      offset: 0,
      messages: [
        { role: "user", content: text, model: null, status: "complete", createdAt: t0 },
        { role: "assistant", content: `re: ${text}`, model: "gpt-4o", status: "complete", createdAt: t0 + 1 },
      ],
    },
  ],
});

const importBatch = (s: HttpSession, body: unknown, headers: Record<string, string> = JSON_HEADERS) =>
  s.request("POST", "/api/data/import", { body: typeof body === "string" ? body : JSON.stringify(body), headers });

const count = async (table: "conversations" | "messages", userId: string) =>
  Number(
    (
      await sqlRow<{ n: number }>(
        table === "conversations"
          ? "select count(*) as n from conversations where user_id = ?"
          : "select count(*) as n from messages m join conversations c on c.id = m.conversation_id where c.user_id = ?",
        [userId],
      )
    )?.n,
  );

let alice: Awaited<ReturnType<typeof account>>;
let bob: Awaited<ReturnType<typeof account>>;
let aliceConversation = "";

before(async () => {
  alice = await account();
  bob = await account();
});

describe("import", () => {
  test("a batch is written once: the same batch again finds it already there", async () => {
    const first = await importBatch(alice.s, batch("src-1"));
    assert.equal(first.status, 200, first.body);
    assert.deepEqual(JSON.parse(first.body), { imported: 1, existing: 0, existingIds: [] });
    const again = await importBatch(alice.s, batch("src-1"));
    assert.deepEqual(JSON.parse(again.body), { imported: 0, existing: 1, existingIds: ["src-1"] });
    assert.equal(await count("conversations", alice.id), 1);
    assert.equal(await count("messages", alice.id), 2);
    aliceConversation = (await sqlRow<{ id: string }>("select id from conversations where user_id = ?", [alice.id]))!
      .id;
  });

  test("bad batches are refused whole and write nothing", async () => {
    const before = await count("messages", alice.id);
    const hostile = JSON.stringify(batch("src-2")).replace('"title"', '"__proto__":{"x":1},"title"');
    const cases: [string, Awaited<ReturnType<typeof importBatch>>, number][] = [
      ["prototype key", await importBatch(alice.s, hostile), 400],
      ["wrong shape", await importBatch(alice.s, { source: "chatgpt", conversations: [{ sourceId: "x" }] }), 400],
      ["deep", await importBatch(alice.s, `${"[".repeat(5000)}${"]".repeat(5000)}`), 400],
      ["not JSON", await importBatch(alice.s, "{nope"), 400],
      ["too large", await importBatch(alice.s, batch("src-3", "x".repeat(1_100_000))), 413],
      [
        "cross-site",
        await importBatch(alice.s, batch("src-4"), { ...JSON_HEADERS, "sec-fetch-site": "cross-site" }),
        403,
      ],
      ["signed out", await importBatch(new HttpSession(), batch("src-5")), 401],
    ];
    for (const [what, r, status] of cases) assert.equal(r.status, status, `${what}: ${r.body.slice(0, 200)}`);
    assert.equal(await count("messages", alice.id), before);
    assert.equal(await count("conversations", alice.id), 1);
  });
});

describe("export", () => {
  test("a conversation as JSON and Markdown, named after its title, for its owner only", async () => {
    const path = (format: string) => `/api/conversations/${aliceConversation}/export?format=${format}`;
    const json = await alice.s.request("GET", path("json"));
    assert.equal(json.status, 200);
    assert.match(
      String(json.headers["content-disposition"]),
      /^attachment; filename="_ src-1.json"; filename\*=UTF-8''%E4%BA%AC%E9%83%BD%20src-1\.json$/,
    );
    const parsed = parseImport(json.body);
    assert.ok(parsed.ok);
    assert.deepEqual(
      parsed.conversations[0].messages.map((m) => [m.role, m.content, m.model]),
      [
        ["user", "hello", null],
        ["assistant", "re: hello", "gpt-4o"],
      ],
    );
    const md = await alice.s.request("GET", path("md"));
    assert.equal(md.status, 200);
    assert.match(String(md.headers["content-type"]), /^text\/markdown/);
    assert.match(md.body, /^# 京都 src-1\n[\s\S]*## Assistant \(gpt-4o\)\n/);
    assert.equal((await bob.s.request("GET", path("json"))).status, 404);
    assert.equal((await new HttpSession().request("GET", path("md"))).status, 401);
    assert.equal((await alice.s.request("GET", path("pdf"))).status, 400);
  });

  test("export all: one archive of the owner's conversations, which imports as 'already there'", async () => {
    await importBatch(bob.s, batch("bob-only"));
    const all = await alice.s.request("GET", "/api/data/export");
    assert.equal(all.status, 200);
    const parsed = parseImport(all.body);
    assert.ok(parsed.ok && parsed.source === "glm-chat");
    assert.deepEqual(
      parsed.conversations.map((c) => c.title),
      ["京都 src-1"],
    );
    const [c] = parsed.conversations;
    const back = await importBatch(alice.s, { source: "glm-chat", conversations: [{ ...c, offset: 0 }] });
    assert.deepEqual(JSON.parse(back.body).existing, 1);
  });
});

describe("delete account", () => {
  test("a wrong password deletes nothing; the right one removes exactly this account, and it cannot sign in", async () => {
    const bobBefore = await count("messages", bob.id);
    const wrong = await alice.s.callAction("/settings/data", "deleteAccountAction", [{ password: "not it" }]);
    assert.match(wrong.body, /"ok":false/);
    assert.equal(await count("conversations", alice.id), 1);
    const right = await alice.s.callAction("/settings/data", "deleteAccountAction", [{ password: PASSWORD }]);
    assert.match(right.body, /"ok":true/);
    assert.equal(await sqlRow("select id from users where id = ?", [alice.id]), undefined);
    assert.equal(await count("conversations", alice.id), 0);
    assert.equal(await count("messages", alice.id), 0);
    assert.equal(await sqlRow("select id from sessions where user_id = ?", [alice.id]), undefined);
    assert.equal(await count("messages", bob.id), bobBefore);
    const again = await new HttpSession().signIn(alice.email, PASSWORD);
    assert.notEqual(again.status, 303);
    assert.equal((await alice.s.request("GET", "/api/data/export")).status, 401);
  });
});
