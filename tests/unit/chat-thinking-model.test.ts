/**
 * What a chat turn builds reaches the gateway core as Zhipu's fields (lib/chat/model.ts reads the turn's
 * `glm` provider options): the web_search tool brings the demo upstream's sources back as source parts with
 * their site, and a thinking field is checked by the core against the model (none of the seed's six thinks).
 */
import assert from "node:assert/strict";
import { before, test } from "node:test";
import type { LanguageModelV3StreamPart } from "@ai-sdk/provider";
import { openTestDatabase } from "../support/engines";

let glmChatModel: typeof import("@/lib/chat/model").glmChatModel;
let turnExtras: typeof import("@/lib/chat/thinking").turnExtras;
let userId: string;

before(async () => {
  delete process.env.UPSTREAM_API_KEY;
  const { db } = await openTestDatabase();
  ({ glmChatModel } = await import("@/lib/chat/model"));
  ({ turnExtras } = await import("@/lib/chat/thinking"));
  const { createUser } = await import("@/db/queries/users");
  userId = (await createUser(db, { email: "thinking-model@example.com", passwordHash: null })).id;
});

const caller = () => ({ userId, apiKeyId: null, source: "chat" as const });
const prompt = [{ role: "user" as const, content: [{ type: "text" as const, text: "[fixture:reasoning] hi" }] }];

async function parts(glm: object): Promise<LanguageModelV3StreamPart[]> {
  const { stream } = await glmChatModel("GLM-4-Flash", caller(), {}).doStream({
    prompt,
    providerOptions: { glm: { ...glm } },
  });
  const out: LanguageModelV3StreamPart[] = [];
  for await (const p of stream as unknown as AsyncIterable<LanguageModelV3StreamPart>) out.push(p);
  return out;
}

test("Web search on: the sources come back as url source parts, with the site; the empty link is dropped", async () => {
  const out = await parts(turnExtras({ webSearch: true }, "none"));
  const sources = out.filter((p) => p.type === "source");
  assert.deepEqual(sources, [
    {
      type: "source",
      sourceType: "url",
      id: "src_0",
      url: "https://example.com/glm-4",
      title: "GLM-4 model overview",
      providerMetadata: { glm: { site: "Example Docs", publishedAt: "2026-01-15" } },
    },
  ]);
  assert.ok(out.findIndex((p) => p.type === "reasoning-delta") < out.findIndex((p) => p.type === "text-delta"));
});

test("Web search off: no sources", async () => {
  const out = await parts(turnExtras({}, "none"));
  assert.equal(out.filter((p) => p.type === "source").length, 0);
});

test("a thinking field reaches the core's checks (refused for a model that does not think)", async () => {
  await assert.rejects(parts({ thinking: { type: "enabled" } }), /GLM-4-Flash does not think/);
});
