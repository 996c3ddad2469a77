/**
 * Where a gateway stream's CPU goes, piece by piece, in one process without Next or sockets:
 * `npx tsx bench/components.ts`. Each line is CPU time per operation (process.cpuUsage, after warm-up).
 * The whole `chatCompletion` runs against a fake `fetch` that returns the stand-in's 20-word stream as
 * separate chunks, so it counts validation, translation, web streams and the usage write, but not
 * Next's request handling, undici or the sockets; compare with the per-stream CPU of the app server
 * that bench/doors.ts reports (and its `--profile`).
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

async function measure(name: string, n: number, fn: () => unknown | Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.max(50, n / 5); i++) await fn();
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) await fn();
  const c = process.cpuUsage(c0);
  const us = (c.user + c.system) / n;
  console.log(`${(us / 1000).toFixed(3).padStart(8)} ms  ${name}`);
  return us;
}

async function main() {
  const tmp = mkdtempSync(path.join(os.tmpdir(), "glm-bench-parts-"));
  Object.assign(process.env, {
    DATABASE_URL: `file:${path.join(tmp, "parts.db")}`,
    UPSTREAM_API_KEY: "bench",
    UPSTREAM_BASE_URL: "http://127.0.0.1:9",
    AUTH_SECRET: "bench-secret-bench-secret",
    NODE_ENV: "production",
  });
  const { createUser } = await import("@/db/queries/users");
  const { startUsage, completeUsage } = await import("@/db/queries/usage");
  const { createApiKey, verifyApiKey } = await import("@/lib/auth/api-keys");
  const { validateRequest, toUpstreamBody } = await import("@/lib/gateway/request");
  const { Catalogue, DEFAULT_MODELS } = await import("@/lib/models");
  const models = new Catalogue(DEFAULT_MODELS);
  const { EventTranslator } = await import("@/lib/gateway/events");
  const { OpenAiChunkWriter } = await import("@/lib/gateway/openai-sse");
  const { startCompletion } = await import("@/lib/gateway/core");
  const { completionResponse } = await import("@/lib/gateway/sse-response");
  const { Stop } = await import("@/lib/gateway/stop");
  const { simulateReply, streamChunks } = await import("@/lib/upstream/simulator");

  const { getDb } = await import("@/db");
  const user = await createUser(getDb(), { email: "bench@localhost", passwordHash: null });
  const { key, row } = await createApiKey({ userId: user.id, name: "parts" });
  const json = {
    model: "GLM-4-Air",
    stream: true,
    messages: [{ role: "user", content: "Tell me about the sea. [words:20]" }],
  };
  const sim = { model: "glm-4-air", messages: json.messages, stream: true };
  const payloads = [...streamChunks(sim, simulateReply(sim, 20), "standin-1")];
  const enc = new TextEncoder();
  const frames = [...payloads.map((p) => enc.encode(`data: ${JSON.stringify(p)}\n\n`)), enc.encode("data: [DONE]\n\n")];
  globalThis.fetch = (async () =>
    new Response(
      new ReadableStream<Uint8Array>({
        start(c) {
          for (const f of frames) c.enqueue(f);
          c.close();
        },
      }),
      { status: 200, headers: { "content-type": "text/event-stream" } },
    )) as typeof fetch;

  console.log("CPU per operation (one process, no Next, no sockets):");
  await measure("verifyApiKey (sha256 + drizzle select)", 5000, () => verifyApiKey(key));
  // A stream's ledger: its row written at the start and completed (with the roll-up) at the end.
  await measure("startUsage + completeUsage (a stream's ledger row and roll-up)", 3000, async () => {
    const id = await startUsage(getDb(), {
      createdAt: Date.now(),
      userId: user.id,
      apiKeyId: row.id,
      source: "api",
      model: "GLM-4-Air",
      stream: true,
      durationMs: 0,
    });
    await completeUsage(getDb(), {
      id,
      status: 200,
      errorCode: null,
      promptTokens: 10,
      completionTokens: 20,
      ttftMs: 1,
      durationMs: 50,
    });
  });
  await measure("JSON.parse + validateRequest (zod) + toUpstreamBody", 5000, () =>
    toUpstreamBody(validateRequest(JSON.parse(JSON.stringify(json)), models), "glm-4-air"),
  );
  await measure("EventTranslator + OpenAiChunkWriter: 21 upstream payloads + end, frames encoded", 5000, () => {
    const t = new EventTranslator();
    const w = new OpenAiChunkWriter(t.id, t.created, "GLM-4-Air", false);
    for (const p of payloads) {
      const events: Parameters<typeof w.write>[0] = [];
      t.push(JSON.parse(JSON.stringify(p)), events);
      enc.encode(w.write(events));
    }
    enc.encode(w.write([t.end(() => 10)]));
  });
  const whole = await measure(
    "startCompletion whole stream (fake fetch) as a web Response, read to the end",
    3000,
    async () => {
      const res = completionResponse(
        await startCompletion(json, { userId: user.id, apiKeyId: row.id, source: "api" }, new Stop()),
      );
      const reader = res.body!.getReader();
      while (!(await reader.read()).done) {
        /* drain */
      }
    },
  );
  console.log(`(whole gateway core per stream: ${(whole / 1000).toFixed(3)} ms)`);
  rmSync(tmp, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
