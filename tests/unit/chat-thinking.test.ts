import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { LanguageModelV3, LanguageModelV3StreamPart } from "@ai-sdk/provider";
import type { UIMessageChunk } from "ai";
import { LiveReply, type ReplyExtras } from "@/lib/chat/live-replies";
import { thinkingField, validateSettings } from "@/lib/chat/settings";
import {
  extrasOf,
  ReasoningTimer,
  siteOf,
  sourceOfPart,
  sourcePartsOf,
  thoughtSeconds,
  turnExtras,
  WEB_SEARCH_TOOL,
} from "@/lib/chat/thinking";
import { toUIMessage } from "@/lib/chat/types";
import { Catalogue, DEFAULT_MODELS } from "@/lib/models";
import { pushUiChunks } from "@/lib/chat/ui-chunks";
import { conversationMarkdown, singleArchive, type MessageRecord } from "@/lib/data/archive";
import { fromArchive } from "@/lib/data/parse";
import { Archive } from "@/lib/data/schema";
import type { Message } from "@/db/schema";

describe("what a turn asks for", () => {
  test("Thinking On/Off is sent only to models that think optionally; Auto sends nothing", () => {
    assert.deepEqual(turnExtras({ thinking: "on" }, "optional"), { thinking: { type: "enabled" } });
    assert.deepEqual(turnExtras({ thinking: "off" }, "optional"), { thinking: { type: "disabled" } });
    assert.deepEqual(turnExtras({ thinking: "auto" }, "optional"), {});
    assert.deepEqual(turnExtras({}, "optional"), {});
    // Switched to a model that always thinks, or does not think: nothing that it would refuse.
    assert.deepEqual(turnExtras({ thinking: "off" }, "always"), {});
    assert.deepEqual(turnExtras({ thinking: "on" }, "none"), {});
    assert.deepEqual(turnExtras({ thinking: "on" }, undefined), {});
  });

  test("Web search adds Zhipu's web_search tool, asking for its sources", () => {
    assert.deepEqual(turnExtras({ webSearch: true }, "none"), { tools: [WEB_SEARCH_TOOL] });
    assert.deepEqual(WEB_SEARCH_TOOL, { type: "web_search", web_search: { enable: true, search_result: true } });
    assert.deepEqual(turnExtras({ webSearch: false }, "none"), {});
  });
});

describe("the Thinking setting's validation", () => {
  test("refused for a model that does not think, Off refused for one that always thinks", () => {
    assert.equal(thinkingField("none", "M").safeParse("on").success, false);
    assert.equal(thinkingField("none", "M").safeParse("auto").success, true);
    assert.equal(thinkingField("none", "M").safeParse(undefined).success, true);
    for (const v of ["auto", "on", "off"]) assert.equal(thinkingField("optional", "M").safeParse(v).success, true);
    assert.equal(thinkingField("always", "M").safeParse("off").success, false);
    assert.equal(thinkingField("always", "M").safeParse("on").success, true);
    assert.equal(thinkingField("optional", "M").safeParse("maybe").success, false);
  });

  test("the conversation settings keep On/Off and Web search, drop Auto, and name the field", () => {
    const flash = validateSettings(flashModel, { thinking: "on" });
    assert.equal(flash.ok, false);
    assert.match(!flash.ok ? (flash.errors.thinking ?? "") : "", /GLM-4-Flash does not think/);
    assert.deepEqual(validateSettings(flashModel, { thinking: "auto", webSearch: true }), {
      ok: true,
      settings: { webSearch: true },
    });
    assert.deepEqual(validateSettings(flashModel, { webSearch: false }), { ok: true, settings: {} });
  });
});

const flashModel = new Catalogue(DEFAULT_MODELS).find("GLM-4-Flash");

describe("thinking time", () => {
  test("from the first reasoning token to the answer, once; nothing when it did not think", () => {
    let now = 1000;
    const timer = new ReasoningTimer(() => now);
    assert.equal(timer.stop(), undefined);
    timer.reasoning();
    now = 2500;
    timer.reasoning(); // later tokens do not restart the clock
    now = 4200;
    assert.equal(timer.stop(), 3200);
    assert.equal(timer.stop(), undefined, "measured once");
    assert.equal(timer.elapsed, 3200);
  });

  test("'Thought for N s' in whole seconds; under a second is a moment", () => {
    assert.equal(thoughtSeconds(0), null);
    assert.equal(thoughtSeconds(999), null);
    assert.equal(thoughtSeconds(1000), 1);
    assert.equal(thoughtSeconds(4499), 4);
    assert.equal(thoughtSeconds(4500), 5);
  });
});

describe("sources", () => {
  test("the site is the search's name for it, else the link's host", () => {
    assert.equal(siteOf("https://www.example.com/a", "Example Docs"), "Example Docs");
    assert.equal(siteOf("https://www.example.com/a"), "example.com");
    assert.equal(siteOf("https://docs.example.org:8443/x", " "), "docs.example.org:8443");
    assert.equal(siteOf("not a url"), "");
  });

  test("saved sources become source-url parts and back; only http(s) links survive", () => {
    const saved = [
      { url: "https://example.com/glm-4", title: "GLM-4", site: "Example Docs", publishedAt: "2026-01-15" },
      { url: "javascript:alert(1)", title: "Bad" },
      { url: "http://plain.example/", title: "" },
    ];
    const parts = sourcePartsOf(saved);
    assert.equal(parts.length, 2);
    assert.deepEqual(parts.map(sourceOfPart), [
      saved[0],
      { url: "http://plain.example/", title: "plain.example", site: "plain.example" },
    ]);
  });

  test("control characters leave titles and sites (PostgreSQL's jsonb refuses U+0000)", () => {
    const s = sourceOfPart({
      url: "https://e.x/",
      title: "A\u0000B\n",
      providerMetadata: { glm: { site: "S\u0007" } },
    });
    assert.deepEqual(s, { url: "https://e.x/", title: "A B", site: "S" });
  });

  test("a saved reply reads back as reasoning, text and sources parts, with its thinking time", () => {
    const row = {
      id: "m1",
      role: "assistant",
      content: "Answer.",
      model: "GLM-4-Flash",
      status: "complete",
      error: null,
      reasoning: "Let me think.",
      reasoningMs: 2300,
      sources: [{ url: "https://example.com/", title: "Ex", site: "Example" }],
    } as unknown as Message;
    const ui = toUIMessage(row);
    assert.deepEqual(
      ui.parts.map((p) => p.type),
      ["reasoning", "text", "source-url"],
    );
    assert.equal(ui.metadata?.reasoningMs, 2300);
    const extras = extrasOf(ui.parts);
    assert.equal(extras.reasoning, "Let me think.");
    assert.equal(extras.reasoningStreaming, false);
    assert.deepEqual(extras.sources, [{ url: "https://example.com/", title: "Ex", site: "Example" }]);
  });
});

/** A language model whose stream is the given parts, each after `gapMs`. */
function fakeModel(parts: LanguageModelV3StreamPart[], gapMs = 0): LanguageModelV3 {
  return {
    specificationVersion: "v3",
    provider: "test",
    modelId: "test",
    supportedUrls: {},
    doGenerate: async () => {
      throw new Error("unused");
    },
    doStream: async () => ({
      stream: new ReadableStream<LanguageModelV3StreamPart>({
        async start(controller) {
          for (const p of parts) {
            if (gapMs) await new Promise((r) => setTimeout(r, gapMs));
            controller.enqueue(p);
          }
          controller.close();
        },
      }),
    }),
  };
}

const usage = {
  inputTokens: { total: 1, noCache: undefined, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 1, text: undefined, reasoning: undefined },
};

describe("the reply's UI stream and its saving", () => {
  test("reasoning, then its thinking time as metadata, sources as source-url chunks, then the answer", async () => {
    const model = fakeModel(
      [
        {
          type: "source",
          sourceType: "url",
          id: "s0",
          url: "https://example.com/",
          title: "Ex",
          providerMetadata: { glm: { site: "Example" } },
        },
        { type: "reasoning-start", id: "r" },
        { type: "reasoning-delta", id: "r", delta: "Hmm, " },
        { type: "reasoning-delta", id: "r", delta: "yes." },
        { type: "reasoning-end", id: "r" },
        { type: "text-start", id: "t" },
        { type: "text-delta", id: "t", delta: "Answer." },
        { type: "text-end", id: "t" },
        { type: "finish", finishReason: { unified: "stop", raw: "stop" }, usage },
      ],
      5,
    );
    const chunks: UIMessageChunk[] = [];
    await pushUiChunks(model, { prompt: [] }, { messageId: "m", modelName: "GLM-4-Flash", readable: String }, (c) =>
      chunks.push(c),
    );
    const types = chunks.map((c) => c.type);
    assert.deepEqual(types.slice(2, 9), [
      "source-url",
      "reasoning-start",
      "reasoning-delta",
      "reasoning-delta",
      "reasoning-end",
      "message-metadata",
      "text-start",
    ]);
    const meta = chunks.find((c) => c.type === "message-metadata") as { messageMetadata: { reasoningMs: number } };
    assert.ok(meta.messageMetadata.reasoningMs >= 5, `measured ${meta.messageMetadata.reasoningMs} ms`);
    assert.equal(types.filter((t) => t === "message-metadata").length, 1, "the time is sent once");

    // The live reply keeps all of it for saving, and replays reasoning compacted to a reader that joins late.
    const saves: ReplyExtras[] = [];
    const reply = new LiveReply("m", "c", "u", async (_text, extras) => {
      saves.push(structuredClone(extras));
    });
    for (const c of chunks) reply.push(c);
    await reply.end();
    assert.equal(reply.text, "Answer.");
    assert.deepEqual(saves.at(-1), {
      reasoning: "Hmm, yes.",
      reasoningMs: meta.messageMetadata.reasoningMs,
      sources: [{ url: "https://example.com/", title: "Ex", site: "Example" }],
    });
    let body = "";
    for await (const b of reply.subscribe() as unknown as AsyncIterable<Uint8Array>)
      body += new TextDecoder().decode(b);
    assert.equal(body.match(/reasoning-delta/g)?.length, 1);
    assert.match(body, /"delta":"Hmm, yes."/);
  });

  test("a continued reply replays its earlier reasoning and sources first, and keeps them when it saves", async () => {
    const saves: ReplyExtras[] = [];
    const reply = new LiveReply("m2", "c2", "u", async (_text, extras) => {
      saves.push(structuredClone(extras));
    });
    const earlier = [{ url: "https://example.com/", title: "Ex", site: "Example" }];
    reply.continueFrom("Part one. ", { reasoning: "Earlier thought.", reasoningMs: 1500, sources: earlier });
    reply.push({ type: "start", messageId: "m2" });
    reply.push({ type: "source-url", sourceId: "s", url: "https://example.com/", title: "Ex" });
    reply.push({ type: "text-start", id: "t" });
    reply.push({ type: "text-delta", id: "t", delta: "Part two." });
    await reply.end();
    let body = "";
    for await (const b of reply.subscribe() as unknown as AsyncIterable<Uint8Array>)
      body += new TextDecoder().decode(b);
    assert.ok(
      body.indexOf("Earlier thought.") < body.indexOf("Part one.") &&
        body.indexOf("Part one.") < body.indexOf("Part two."),
    );
    assert.match(body, /"reasoningMs":1500/);
    assert.deepEqual(saves.at(-1), { reasoning: "Earlier thought.", reasoningMs: 1500, sources: earlier });
    assert.equal(reply.text, "Part one. Part two.");
  });

  test("a reply that stops while thinking still gets its thinking time", async () => {
    const model = fakeModel([
      { type: "reasoning-start", id: "r" },
      { type: "reasoning-delta", id: "r", delta: "…" },
      { type: "finish", finishReason: { unified: "length", raw: "length" }, usage },
    ]);
    const chunks: UIMessageChunk[] = [];
    await pushUiChunks(model, { prompt: [] }, { messageId: "m", modelName: "x", readable: String }, (c) =>
      chunks.push(c),
    );
    assert.ok(chunks.some((c) => c.type === "message-metadata" && "reasoningMs" in (c.messageMetadata as object)));
  });
});

describe("archives", () => {
  const conversation = {
    id: "c1",
    title: "Search",
    model: "GLM-4-Flash",
    settings: { webSearch: true, thinking: "on" as const },
    createdAt: Date.UTC(2026, 0, 1),
    updatedAt: Date.UTC(2026, 0, 2),
  };
  const messages: MessageRecord[] = [
    { id: "u1", role: "user", content: "hi", model: null, status: "complete", createdAt: Date.UTC(2026, 0, 1) },
    {
      id: "a1",
      role: "assistant",
      content: "Hello.",
      model: "GLM-4-Flash",
      status: "complete",
      createdAt: Date.UTC(2026, 0, 1),
      reasoning: "Line one.\nLine two.",
      reasoningMs: 4200,
      sources: [{ url: "https://example.com/a(b)", title: "A [title]", site: "Example Docs" }],
    },
  ];

  test("the JSON archive carries reasoning, its time and sources, and an import keeps them", () => {
    const archive = Archive.parse(JSON.parse(singleArchive(conversation, messages)));
    const reply = archive.conversations[0].messages[1];
    assert.equal(reply.reasoning, "Line one.\nLine two.");
    assert.equal(reply.reasoningMs, 4200);
    assert.equal(reply.sources?.[0].site, "Example Docs");
    assert.equal("reasoning" in archive.conversations[0].messages[0], false, "nothing added to plain messages");
    const imported = fromArchive(archive.conversations[0]);
    assert.equal(imported.messages[1].reasoning, "Line one.\nLine two.");
    assert.equal(imported.messages[1].reasoningMs, 4200);
    assert.deepEqual(imported.messages[1].sources, messages[1].sources);
    assert.deepEqual(imported.settings, { webSearch: true, thinking: "on" });
  });

  test("an archive's sources are checked: http(s) only, bounded", () => {
    const bad = JSON.parse(singleArchive(conversation, messages));
    bad.conversations[0].messages[1].sources = [{ url: "javascript:alert(1)", title: "x" }];
    assert.equal(Archive.safeParse(bad).success, false);
    bad.conversations[0].messages[1].sources = Array.from({ length: 51 }, () => ({ url: "https://e.x/", title: "t" }));
    assert.equal(Archive.safeParse(bad).success, false);
  });

  test("the Markdown folds the reasoning under 'Thought for N s' and lists the sources as links", () => {
    const md = conversationMarkdown(conversation, messages);
    assert.match(md, /<details>\n<summary>Thought for 4 s<\/summary>\n\n> Line one\.\n> Line two\.\n\n<\/details>/);
    assert.match(md, /Sources:\n- \[A \\\[title\\\]\]\(https:\/\/example\.com\/a%28b%29\) — Example Docs/);
    assert.ok(md.indexOf("</details>") < md.indexOf("Hello."));
  });
});
