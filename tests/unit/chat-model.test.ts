/**
 * The chat door's language model (lib/chat/model.ts): the gateway core's events handed to the AI SDK as
 * stream parts, against the built-in demo upstream (no UPSTREAM_API_KEY) and an in-memory database.
 */
import assert from "node:assert/strict";
import { before, test } from "node:test";
import type { UIMessageChunk } from "ai";
import type { ReplySummary } from "@/lib/gateway/translate";
import { openTestDatabase } from "../support/engines";

let glmChatModel: typeof import("@/lib/chat/model").glmChatModel;
let streamText: typeof import("ai").streamText;
let userId: string;

before(async () => {
  delete process.env.UPSTREAM_API_KEY;
  const { db } = await openTestDatabase();
  ({ glmChatModel } = await import("@/lib/chat/model"));
  ({ streamText } = await import("ai"));
  const { createUser } = await import("@/db/queries/users");
  userId = (await createUser(db, { email: "model@example.com", passwordHash: null })).id;
});

const caller = () => ({ userId, apiKeyId: null, source: "chat" as const });

test("a reply streams as text deltas, then finishes with the core's usage; the hook sees the same text", async () => {
  let finished: { summary: ReplySummary; status: number } | undefined;
  const model = glmChatModel("GLM-4-Flash", caller(), {
    onFinish: (summary, outcome) => {
      finished = { summary, status: outcome.status };
    },
  });
  const result = streamText({ model, prompt: "Say something about the sea, please.", maxRetries: 0 });
  const types: string[] = [];
  let text = "";
  for await (const part of result.fullStream) {
    types.push(part.type);
    if (part.type === "text-delta") text += part.text;
  }
  assert.ok(types.filter((t) => t === "text-delta").length > 3, "the text arrives in pieces as it is produced");
  assert.deepEqual(
    types.filter((t) => t !== "text-delta"),
    ["start", "start-step", "text-start", "text-end", "finish-step", "finish"],
  );
  assert.ok(text.length > 10);
  assert.equal(finished?.status, 200);
  assert.equal(finished?.summary.content, text);
  assert.equal(await result.finishReason, "stop");
  const usage = await result.usage;
  assert.ok((usage.inputTokens ?? 0) > 0 && (usage.outputTokens ?? 0) > 0, JSON.stringify(usage));
});

test("a refusal before the first byte reaches the chat as the gateway's readable error", async () => {
  const result = streamText({
    model: glmChatModel("gpt-4o", caller(), {}),
    prompt: "hi",
    maxRetries: 0,
    onError: () => {},
  });
  let error: unknown;
  for await (const part of result.fullStream) if (part.type === "error") error = part.error;
  assert.match((error as Error)?.message ?? "", /The model 'gpt-4o' does not exist/);
});

test("Stop aborts the upstream call and settles the reply as stopped (499) with the text so far", async () => {
  const stop = new AbortController();
  let finished: { summary: ReplySummary; status: number } | undefined;
  const model = glmChatModel("GLM-4-Flash", caller(), {
    onFinish: (summary, outcome) => {
      finished = { summary, status: outcome.status };
    },
  });
  const result = streamText({ model, prompt: "Tell me a long story.", abortSignal: stop.signal, maxRetries: 0 });
  let text = "";
  for await (const part of result.fullStream) {
    if (part.type === "text-delta") {
      text += part.text;
      if (text.length > 5) stop.abort();
    }
  }
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(finished?.status, 499);
  assert.ok(finished?.summary.content.startsWith(text.slice(0, 5)));
});

test("the model's own Stop (a chat reply's) stops its call as an abortSignal would; pushUiChunks then rejects", async () => {
  const { Stop } = await import("@/lib/gateway/stop");
  const { ClientAborted } = await import("@/lib/gateway/upstream");
  const { pushUiChunks } = await import("@/lib/chat/ui-chunks");
  const stop = new Stop();
  let finished: { summary: ReplySummary; status: number } | undefined;
  const model = glmChatModel(
    "GLM-4-Flash",
    caller(),
    {
      onFinish: (summary, outcome) => {
        finished = { summary, status: outcome.status };
      },
    },
    stop,
  );
  let text = "";
  const ended = pushUiChunks(
    model,
    { prompt: [{ role: "user", content: [{ type: "text", text: "Tell me a long story." }] }] },
    { messageId: "m0", modelName: "GLM-4-Flash", readable: String, stopped: () => stop.stopped },
    (c) => {
      if (c.type !== "text-delta") return;
      text += c.delta;
      if (text.length > 5) stop.stop(new ClientAborted());
    },
  );
  await assert.rejects(ended, { name: "AbortError" });
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(finished?.status, 499);
  assert.ok(finished?.summary.content.startsWith(text.slice(0, 5)));
});

test("pushUiChunks: the UI message stream useChat reads, from the model's parts (start … finish)", async () => {
  const { pushUiChunks } = await import("@/lib/chat/ui-chunks");
  const model = glmChatModel("GLM-4-Flash", caller(), {});
  const chunks: UIMessageChunk[] = [];
  await pushUiChunks(
    model,
    { prompt: [{ role: "user", content: [{ type: "text", text: "Hello there, model." }] }] },
    { messageId: "m1", modelName: "GLM-4-Flash", readable: String },
    (c) => chunks.push(c),
  );
  const types = chunks.map((c) => c.type).filter((t) => t !== "text-delta");
  assert.deepEqual(types, ["start", "start-step", "text-start", "text-end", "finish-step", "finish"]);
  assert.deepEqual(chunks[0], {
    type: "start",
    messageId: "m1",
    messageMetadata: { model: "GLM-4-Flash", status: "streaming" },
  });
  assert.deepEqual(chunks.at(-1), { type: "finish", finishReason: "stop", messageMetadata: { status: "complete" } });
  assert.ok(chunks.filter((c) => c.type === "text-delta").length > 3);
});

test("pushUiChunks: a refusal is an error chunk with the readable text, and the reply's error status", async () => {
  const { pushUiChunks } = await import("@/lib/chat/ui-chunks");
  const chunks: UIMessageChunk[] = [];
  await pushUiChunks(
    glmChatModel("gpt-4o", caller(), {}),
    { prompt: [{ role: "user", content: [{ type: "text", text: "hi" }] }] },
    { messageId: "m2", modelName: "gpt-4o", readable: (e) => `readable: ${(e as Error).message}` },
    (c) => chunks.push(c),
  );
  assert.deepEqual(
    chunks.map((c) => c.type),
    ["start", "start-step", "error", "message-metadata"],
  );
  // The error part carries the sentence with its catalogue key (none for this one), as the chat door's errors do.
  const error = JSON.parse((chunks[2] as { errorText: string }).errorText) as {
    error: string;
    key?: string;
    reply: boolean;
  };
  assert.equal(error.reply, true);
  assert.match(error.error, /^readable: The model 'gpt-4o' does not exist/);
  assert.equal(error.key, undefined);
  assert.deepEqual((chunks[3] as { messageMetadata: unknown }).messageMetadata, {
    status: "error",
    error: error.error,
  });
});
