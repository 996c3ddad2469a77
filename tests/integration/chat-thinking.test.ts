/**
 * Thinking and web search in the chat, against the real server and the stand-in: the turn sends Zhipu's
 * web_search tool only when the conversation's Web search is on (and `thinking` only for models that think
 * optionally: none of the seed's six, so never here); the reply streams its reasoning, thinking time and
 * sources to the browser, and the saved row and the JSON export keep them.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { before, describe, test } from "node:test";
import { readReply } from "./chat-session";
import { APP_URL, sqlRow, tag, upstreamRequestTagged } from "./helpers";
import { alertText, HttpSession, PASSWORD, uniqueEmail } from "./http-session";

const SAME_SITE = { "content-type": "application/json", origin: APP_URL, "sec-fetch-site": "same-origin" };

/** A chat turn as the browser's transport sends it, with the composer's Web search and a new chat's settings. */
function turn(s: HttpSession, body: { id: string; text: string; webSearch?: boolean; settings?: object }) {
  return fetch(`${APP_URL}/api/chat`, {
    method: "POST",
    headers: { ...SAME_SITE, cookie: s.cookieHeader() },
    body: JSON.stringify({
      id: body.id,
      trigger: "submit-message",
      model: "GLM-4-Flash",
      message: { id: randomUUID(), role: "user", parts: [{ type: "text", text: body.text }] },
      webSearch: body.webSearch,
      settings: body.settings,
    }),
  });
}

type Row = { reasoning: string | null; reasoning_ms: number | null; sources: unknown; status: string };
const replyRow = (conversationId: string) =>
  sqlRow<Row>(
    "select reasoning, reasoning_ms, sources, status from messages where conversation_id = ? and role = 'assistant' order by seq desc limit 1",
    [conversationId],
  );
/** SQLite returns the JSON column as text, PostgreSQL's jsonb as an object. */
const json = (v: unknown) => (typeof v === "string" ? JSON.parse(v) : v);
const settingsOf = async (id: string) =>
  json((await sqlRow<{ settings: unknown }>("select settings from conversations where id = ?", [id]))?.settings);

describe("thinking and web search in the chat", () => {
  let s: HttpSession;
  const id = randomUUID();
  before(async () => {
    s = new HttpSession();
    const r = await s.register(uniqueEmail("thinking"), PASSWORD);
    assert.equal(r.status, 303, alertText(r.body));
  });

  test("Web search on: the web_search tool goes upstream; reasoning, its time and sources stream and are saved", async () => {
    const t = tag();
    const res = await turn(s, { id, text: `[fixture:reasoning] hi ${t}`, webSearch: true });
    assert.equal(res.status, 200);
    const { text, chunks } = await readReply(res);
    assert.match(text, /simulated reply/);

    const sent = (await upstreamRequestTagged(t))!.body as { tools?: unknown[]; thinking?: unknown };
    assert.deepEqual(sent.tools, [{ type: "web_search", web_search: { enable: true, search_result: true } }]);
    assert.equal(sent.thinking, undefined, "GLM-4-Flash does not think: no thinking field");

    const types = chunks.map((c) => c.type);
    assert.ok(types.indexOf("reasoning-delta") < types.indexOf("text-delta"), types.join());
    const time = chunks.find(
      (c) =>
        c.type === "message-metadata" && "reasoningMs" in (c as unknown as { messageMetadata: object }).messageMetadata,
    );
    assert.ok(time, "the thinking time is sent before the answer");
    // The empty link is dropped; the other source keeps its title and the search's name for the site.
    const sources = chunks.filter((c) => c.type === "source-url") as unknown as { url: string; title: string }[];
    assert.deepEqual(
      sources.map((x) => [x.url, x.title]),
      [["https://example.com/glm-4", "GLM-4 model overview"]],
    );

    // The row is written at the end (the live reply's final save happens just before).
    let row: Row | undefined;
    for (let i = 0; i < 40 && row?.status !== "complete"; i++) {
      row = await replyRow(id);
      if (row?.status !== "complete") await new Promise((r) => setTimeout(r, 50));
    }
    assert.match(row?.reasoning ?? "", /I should answer briefly/);
    assert.equal(typeof row?.reasoning_ms, "number");
    assert.deepEqual(json(row?.sources), [
      {
        url: "https://example.com/glm-4",
        title: "GLM-4 model overview",
        site: "Example Docs",
        publishedAt: "2026-01-15",
      },
    ]);
    assert.equal((await settingsOf(id)).webSearch, true, "the new conversation keeps the toggle");

    // The JSON export carries them.
    const exported = await fetch(`${APP_URL}/api/conversations/${id}/export?format=json`, {
      headers: { cookie: s.cookieHeader() },
    });
    const reply = (await exported.json()).conversations[0].messages[1];
    assert.match(reply.reasoning, /I should answer briefly/);
    assert.equal(reply.reasoningMs, row?.reasoning_ms);
    assert.equal(reply.sources[0].url, "https://example.com/glm-4");
  });

  test("Web search off: no tool, no sources, and the conversation forgets the toggle", async () => {
    const t = tag();
    const { text } = await readReply(await turn(s, { id, text: `plain ${t}`, webSearch: false }));
    assert.ok(text);
    const sent = (await upstreamRequestTagged(t))!.body as { tools?: unknown[]; thinking?: unknown };
    assert.equal(sent.tools, undefined);
    assert.equal(sent.thinking, undefined);
    assert.equal((await settingsOf(id)).webSearch, undefined);
    let row: Row | undefined;
    for (let i = 0; i < 40 && row?.status !== "complete"; i++) {
      row = await replyRow(id);
      if (row?.status !== "complete") await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(row?.reasoning, null);
    assert.equal(row?.sources, null);
  });

  test("a tab that opens mid-reply gets the reasoning in one piece, with its time and sources; the row has them already", async () => {
    const rid = randomUUID();
    const res = await turn(s, { id: rid, text: "[fixture:reasoning] [words:40] [delay:30] go", webSearch: true });
    let late: Promise<{ replay: Awaited<ReturnType<typeof readReply>>; midway?: Row }> | undefined;
    const first = await readReply(res, (text) => {
      late ??= text
        ? (async () => {
            const stream = fetch(`${APP_URL}/api/chat/${rid}/stream`, {
              headers: { ...SAME_SITE, cookie: s.cookieHeader() },
            });
            // Past one save interval (250 ms), and well before the 40 words end.
            await new Promise((r) => setTimeout(r, 400));
            const midway = await replyRow(rid);
            return { replay: await readReply(await stream), midway };
          })()
        : undefined;
    });
    assert.ok(late, "the reply streamed");
    const { replay, midway } = await late;
    assert.equal(midway?.status, "streaming");
    assert.match(midway?.reasoning ?? "", /I should answer briefly/);
    assert.equal(json(midway?.sources).length, 1);
    const deltas = replay.chunks.filter((c) => c.type === "reasoning-delta") as unknown as { delta: string }[];
    assert.equal(deltas.length, 1, "compacted");
    assert.match(deltas[0].delta, /^The user wrote .* I should answer briefly and plainly\.$/);
    assert.ok(replay.chunks.some((c) => c.type === "source-url"));
    assert.ok(
      replay.chunks.some(
        (c) =>
          c.type === "message-metadata" && "reasoningMs" in (c as never as { messageMetadata: object }).messageMetadata,
      ),
    );
    assert.equal(replay.text, first.text);
  });

  test("Thinking On for a model that does not think is refused, naming the setting; Auto is accepted", async () => {
    const refused = await turn(s, { id: randomUUID(), text: "hi", settings: { thinking: "on" } });
    assert.equal(refused.status, 400);
    assert.match(await refused.text(), /Thinking: GLM-4-Flash does not think/);
    const t = tag();
    const fresh = randomUUID();
    const ok = await turn(s, { id: fresh, text: `hi ${t}`, settings: { thinking: "auto" } });
    assert.equal(ok.status, 200);
    await readReply(ok);
    assert.equal(((await upstreamRequestTagged(t))!.body as { thinking?: unknown }).thinking, undefined);
    assert.equal((await settingsOf(fresh)).thinking, undefined, "Auto is stored as nothing");
  });
});
