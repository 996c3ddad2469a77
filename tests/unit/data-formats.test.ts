/**
 * The data formats (lib/data): our archive out and back in, ChatGPT's conversations.json (a hand-written
 * export with edits, regenerations, system, hidden, tool and null nodes, multimodal parts), the checks a hostile
 * file meets, batching, the Markdown export and the download's file name.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import {
  attachmentDisposition,
  conversationMarkdown,
  singleArchive,
  type ConversationRecord,
  type MessageRecord,
} from "@/lib/data/archive";
import { planBatches } from "@/lib/data/batches";
import { IMPORT_LIMITS } from "@/lib/data/limits";
import { inspectJson, parseImport } from "@/lib/data/parse";
import { ImportBatch, type ImportConversation } from "@/lib/data/schema";

const conversation: ConversationRecord = {
  id: "conv-abcdefgh",
  title: '京都の紅葉 / autumn: "leaves"',
  model: "GLM-4-Plus",
  settings: { systemPrompt: "Answer briefly.\nIn Japanese.", temperature: 0.3 },
  createdAt: Date.UTC(2026, 0, 2, 3, 4, 5),
  updatedAt: Date.UTC(2026, 0, 2, 4, 0, 0),
};
const messages: MessageRecord[] = [
  {
    id: "m1",
    role: "user",
    content: "いつが見頃？",
    model: null,
    status: "complete",
    createdAt: conversation.createdAt,
  },
  {
    id: "m2",
    role: "assistant",
    content: "11月中旬です。\n\n```js\nconsole.log(1)\n```",
    model: "GLM-4-Plus",
    status: "complete",
    createdAt: conversation.createdAt + 1000,
  },
  {
    id: "m3",
    role: "user",
    content: "Thanks",
    model: null,
    status: "complete",
    createdAt: conversation.createdAt + 2000,
  },
  {
    id: "m4",
    role: "assistant",
    content: "You're",
    model: "GLM-4-Air",
    status: "stopped",
    createdAt: conversation.createdAt + 3000,
  },
];

const fixture = readFileSync(path.join(__dirname, "../fixtures/chatgpt-conversations.json"), "utf8");

function ok(text: string) {
  const r = parseImport(text);
  if (!r.ok) assert.fail(`refused: ${JSON.stringify(r.problem)}`);
  return r;
}
const refused = (text: string) => {
  const r = parseImport(text);
  assert.equal(r.ok, false, "should be refused");
  return (r as Extract<typeof r, { ok: false }>).problem;
};

describe("our archive", () => {
  test("round trip: what we export imports as the same conversation", () => {
    const r = ok(singleArchive(conversation, messages));
    assert.equal(r.source, "glm-chat");
    assert.equal(r.conversations.length, 1);
    const c = r.conversations[0];
    assert.equal(c.sourceId, conversation.id);
    assert.equal(c.title, conversation.title);
    assert.equal(c.model, "GLM-4-Plus");
    assert.deepEqual(c.settings, conversation.settings);
    assert.equal(c.createdAt, conversation.createdAt);
    assert.equal(c.updatedAt, conversation.updatedAt);
    assert.deepEqual(
      c.messages.map((m) => [m.role, m.content, m.model, m.status, m.createdAt]),
      messages.map((m) => [m.role, m.content, m.model, m.status, m.createdAt]),
    );
  });

  test("attachments are checked and carried through; a streaming reply comes back interrupted", () => {
    const archive = JSON.parse(singleArchive(conversation, messages));
    archive.conversations[0].messages[0].attachments = [
      { name: "notes.pdf", mediaType: "application/pdf", size: 1234, pages: 3, text: "page one" },
    ];
    archive.conversations[0].messages[3].status = "streaming";
    const c = ok(JSON.stringify(archive)).conversations[0];
    assert.deepEqual(c.messages[0].attachments, archive.conversations[0].messages[0].attachments);
    assert.equal(c.messages[3].status, "interrupted");
    archive.conversations[0].messages[0].attachments[0].size = -1;
    assert.equal(refused(JSON.stringify(archive)).code, "invalid");
  });
});

describe("ChatGPT's conversations.json", () => {
  const r = ok(fixture);
  const [kyoto, csv, proof] = r.conversations;

  test("is recognised, with titles, ids and times kept", () => {
    assert.equal(r.source, "chatgpt");
    assert.equal(r.conversations.length, 3);
    assert.equal(kyoto.title, "Kyoto autumn trip 京都の紅葉");
    assert.equal(kyoto.sourceId, "6650f0aa-1111-4c7b-9a55-000000000001");
    assert.equal(kyoto.createdAt, 1714000000123);
    assert.equal(kyoto.updatedAt, 1714003600500);
    // ChatGPT's models are not callable here: the conversation continues on GLM-4's default.
    assert.equal(kyoto.model, "GLM-4-Flash");
    assert.equal(proof.title, "Imported conversation");
  });

  test("follows the current branch (the edit, the kept regeneration), skipping system and hidden nodes", () => {
    assert.deepEqual(
      kyoto.messages.map((m) => [m.role, m.content, m.model]),
      [
        ["user", "When are the autumn leaves best in Kyoto? 京都の紅葉はいつ？", null],
        ["assistant", "Mid to late November. 11月中旬から下旬です。", "gpt-4o"],
        ["user", "Which temple first?", null],
        ["assistant", "Start at **Tōfuku-ji** early.\n\nThen Eikan-dō.", "gpt-4o"],
      ],
    );
    assert.equal(kyoto.messages[0].createdAt, 1714000010000);
  });

  test("leaves out tool calls, tool output, empty and null nodes; keeps the text of multimodal messages", () => {
    assert.deepEqual(
      csv.messages.map((m) => [m.role, m.content]),
      [
        ["user", "这张图表和附件里的数据说明了什么？"],
        ["assistant", "Let me look at the data.\n\n销售额平均为 4.2。"],
        ["user", "Search the web for context."],
        ["assistant", "Sales rose in 2024 according to the sources."],
      ],
    );
  });

  test("leaves out reasoning (thoughts) and keeps the answer", () => {
    assert.deepEqual(
      proof.messages.map((m) => [m.role, m.model]),
      [
        ["user", null],
        ["assistant", "o1"],
      ],
    );
  });

  test("a branch whose parents loop is read once, not forever", () => {
    const data = JSON.parse(fixture);
    data[2].mapping.b.parent = "d";
    const c = ok(JSON.stringify(data)).conversations[2];
    assert.ok(c.messages.length <= 2);
  });
});

describe("hostile and malformed files import nothing", () => {
  test("not JSON, or neither format", () => {
    assert.equal(refused("{not json").code, "notJson");
    assert.equal(refused('{"hello":1}').code, "unknownFormat");
    assert.equal(refused('"just a string"').code, "unknownFormat");
    assert.equal(refused("[1,2,3]").code, "unknownFormat");
  });

  test("the wrong shape names where", () => {
    const archive = JSON.parse(singleArchive(conversation, messages));
    archive.conversations[0].messages[1].role = "system";
    const p = refused(JSON.stringify(archive));
    assert.equal(p.code, "invalid");
    // Only the path: the sentence around it is the page's, in its reader's language.
    assert.equal(p.detail, "conversations.0.messages.1.role");
    const data = JSON.parse(fixture);
    data[1].mapping = "nope";
    assert.match(refused(JSON.stringify(data)).detail ?? "", /^1\.mapping/);
  });

  test("prototype-pollution keys", () => {
    for (const key of ["__proto__", "constructor", "prototype"]) {
      const archive = singleArchive(conversation, messages).replace('"title"', `"${key}":{"polluted":true},"title"`);
      const p = refused(archive);
      assert.deepEqual(p, { code: "forbiddenKey", detail: key });
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  test("deep nesting is refused, without recursion", () => {
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    assert.equal(refused(deep).code, "tooDeep");
    assert.equal(refused(`{"format":"glm-chat.export","x":${'{"a":'.repeat(50)}1${"}".repeat(50)}}`).code, "tooDeep");
    // Brackets inside strings are text, not nesting.
    assert.equal(inspectJson(JSON.parse('{"a":"[[[[[[\\"]]]]"}'), 1), null);
    assert.equal(inspectJson([[[]]], 2)?.code, "tooDeep");
  });

  test("huge strings and too many conversations", () => {
    const archive = JSON.parse(singleArchive(conversation, messages));
    archive.conversations[0].messages[0].content = "x".repeat(IMPORT_LIMITS.messageChars + 1);
    assert.equal(refused(JSON.stringify(archive)).code, "invalid");
    archive.conversations[0].messages[0].content = "ok";
    archive.conversations[0].title = "t".repeat(IMPORT_LIMITS.titleChars + 1);
    assert.equal(refused(JSON.stringify(archive)).code, "invalid");
    const many = JSON.stringify({
      format: "glm-chat.export",
      version: 1,
      exportedAt: new Date().toISOString(),
      conversations: Array.from({ length: IMPORT_LIMITS.conversations + 1 }, () => 0),
    });
    assert.deepEqual(refused(many), { code: "tooManyConversations", detail: "10000" });
    assert.equal(
      refused(`[${Array.from({ length: 10_001 }, () => '{"mapping":{}}').join(",")}]`).code,
      "tooManyConversations",
    );
  });

  test("more than 100 MB", () => {
    assert.equal(parseImport("[]", IMPORT_LIMITS.fileBytes + 1).ok, false);
  });

  test("a newer version says so; a wrong version or an impossible time names where", () => {
    const archive = JSON.parse(singleArchive(conversation, messages));
    archive.version = 2;
    // Not "version: Invalid input: expected 1", which nobody can act on.
    assert.deepEqual(refused(JSON.stringify(archive)), { code: "newerVersion", detail: "2" });
    archive.version = "one";
    assert.equal(refused(JSON.stringify(archive)).code, "invalid");
    archive.version = 1;
    archive.conversations[0].createdAt = "yesterday";
    assert.equal(refused(JSON.stringify(archive)).code, "invalid");
  });
});

describe("batches", () => {
  const big = (n: number, size: number): ImportConversation => ({
    sourceId: `s${n}`,
    title: `t${n}`,
    model: "GLM-4-Air",
    settings: {},
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000,
    messages: Array.from({ length: 20 }, (_, i) => ({
      role: i % 2 ? ("assistant" as const) : ("user" as const),
      content: "語".repeat(size),
      model: null,
      status: "complete" as const,
      createdAt: 1_700_000_000_000 + i,
    })),
  });

  test("every batch fits the budget and is valid; slices of a long conversation keep their order", () => {
    const budget = 50_000;
    const plan = planBatches("glm-chat", [big(1, 100), big(2, 5_000), big(3, 10)], budget);
    assert.ok(plan.ok);
    for (const batch of plan.batches) {
      const body = JSON.stringify({ source: plan.source, conversations: batch });
      assert.ok(Buffer.byteLength(body) <= budget, `${Buffer.byteLength(body)} > ${budget}`);
      assert.ok(ImportBatch.safeParse(JSON.parse(body)).success);
    }
    const slices = plan.batches.flat().filter((s) => s.sourceId === "s2");
    assert.ok(slices.length > 1);
    assert.deepEqual(
      slices.flatMap((s) => s.messages.map((_, i) => s.offset + i)),
      Array.from({ length: 20 }, (_, i) => i),
    );
  });

  test("a single message bigger than a batch is refused before anything is sent", () => {
    const plan = planBatches("glm-chat", [big(1, 10), big(2, 20_000)], 50_000);
    assert.deepEqual(plan, { ok: false, problem: { code: "messageTooLarge", detail: "1.messages.0" } });
  });
});

describe("Markdown export", () => {
  const md = conversationMarkdown(conversation, messages);

  test("title, model, times, settings and the system prompt", () => {
    assert.ok(md.startsWith('# 京都の紅葉 / autumn: "leaves"\n'));
    assert.match(md, /- Model: GLM-4-Plus\n- Created: 2026-01-02T03:04:05.000Z\n/);
    assert.match(md, /- Settings: temperature 0.3\n/);
    assert.match(md, /> Answer briefly.\n> In Japanese./);
  });

  test("in the reader's language: Chinese punctuation and times in their zone", async () => {
    const { messagesFor } = await import("@/lib/i18n/messages");
    const m = messagesFor("zh-CN");
    const format = new Intl.DateTimeFormat("zh-CN", {
      dateStyle: "medium",
      timeStyle: "short",
      timeZone: "Asia/Shanghai",
    });
    const zh = conversationMarkdown(conversation, messages, {
      ...m.data.markdown,
      ...m.thinking.markdown,
      time: (ms) => format.format(ms),
    });
    // 03:04 UTC is 11:04 in Beijing.
    assert.match(zh, /- 模型：GLM-4-Plus\n- 创建时间：2026年1月2日 11:04\n/);
    assert.match(zh, /\*\*系统提示词：\*\*/);
  });

  test("messages in order, each reply with its model, a stopped one marked", () => {
    const headings = [...md.matchAll(/^## (.*)$/gm)].map((m) => m[1]);
    assert.deepEqual(headings, ["You", "Assistant (GLM-4-Plus)", "You", "Assistant (GLM-4-Air)"]);
    assert.ok(md.includes("```js\nconsole.log(1)\n```"));
    assert.match(md, /· stopped\*\n\nYou're\n$/);
  });
});

describe("the download's file name", () => {
  test("ASCII fallback and RFC 5987 filename* for a Japanese title", () => {
    const h = attachmentDisposition("京都の紅葉 / autumn", "md");
    assert.equal(
      h,
      `attachment; filename="_ autumn.md"; filename*=UTF-8''${encodeURIComponent("京都の紅葉 autumn.md")}`,
    );
  });

  test("nothing that breaks the header or a file system", () => {
    const h = attachmentDisposition('a"b\r\nSet-Cookie: x=1;\\..', "json");
    assert.ok(!/[\r\n]/.test(h));
    assert.match(h, /^attachment; filename="a b Set-Cookie x=1_ \.\.\.json"; filename\*=UTF-8''[A-Za-z0-9%._~-]+$/);
    assert.match(attachmentDisposition("   ", "md"), /filename="conversation.md"/);
    assert.match(attachmentDisposition("...hidden", "md"), /filename="hidden.md"/);
  });
});
