/** Every client mistake is a 4xx OpenAI error naming the field, and nothing reaches the upstream. */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import OpenAI from "openai";
import { KEY_TRUSTED_MS } from "@/lib/auth/api-keys";
import { APP_URL, client, createKey, keysCli, post, standinLog, tag } from "./helpers";

let key: string;
before(async () => {
  key = await createKey("client-errors");
});

async function expectError(body: object | string, status: number, param: string | null, code?: string | null) {
  const before = (await standinLog()).length;
  const res = await post("/v1/chat/completions", body, { authorization: `Bearer ${key}` });
  assert.equal(res.status, status, `status for ${JSON.stringify(body).slice(0, 120)}`);
  const json = (await res.json()) as {
    error: { message: string; type: string; param: string | null; code: string | null };
  };
  assert.equal(typeof json.error.message, "string");
  assert.ok(json.error.message.length > 10);
  assert.equal(typeof json.error.type, "string");
  assert.equal(json.error.param, param);
  if (code !== undefined) assert.equal(json.error.code, code);
  assert.equal((await standinLog()).length, before, "nothing invalid reaches the upstream");
  return json.error;
}

const user = [{ role: "user", content: "hi" }];

describe("client mistakes", () => {
  test("unknown model: 404 model_not_found naming it", async () => {
    const e = await expectError({ model: "GLM-5-Ultra", messages: user }, 404, "model", "model_not_found");
    assert.match(e.message, /GLM-5-Ultra/);
  });

  test("the SDK raises NotFoundError for an unknown model", async () => {
    await assert.rejects(
      client(key).chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "x" }] }),
      (err: unknown) => err instanceof OpenAI.NotFoundError && err.code === "model_not_found",
    );
  });

  const cases: [string, object, string][] = [
    ["model of the wrong type", { model: 42, messages: user }, "model"],
    ["missing messages", { model: "GLM-4-Air" }, "messages"],
    ["empty messages", { model: "GLM-4-Air", messages: [] }, "messages"],
    ["messages not an array", { model: "GLM-4-Air", messages: "hi" }, "messages"],
    ["a bad role", { model: "GLM-4-Air", messages: [{ role: "robot", content: "x" }] }, "messages[0].role"],
    [
      "content of the wrong type",
      { model: "GLM-4-Air", messages: [{ role: "user", content: 5 }] },
      "messages[0].content",
    ],
    [
      "a tool message without tool_call_id",
      { model: "GLM-4-Air", messages: [...user, { role: "tool", content: "x" }] },
      "messages[1].tool_call_id",
    ],
    [
      "a tool message answering no call",
      { model: "GLM-4-Air", messages: [...user, { role: "tool", tool_call_id: "call_1", content: "x" }] },
      "messages[1].role",
    ],
    ["temperature above 1", { model: "GLM-4-Air", messages: user, temperature: 1.5 }, "temperature"],
    ["temperature below 0", { model: "GLM-4-Air", messages: user, temperature: -0.1 }, "temperature"],
    ["temperature as a string", { model: "GLM-4-Air", messages: user, temperature: "hot" }, "temperature"],
    ["top_p above 1", { model: "GLM-4-Air", messages: user, top_p: 2 }, "top_p"],
    ["max_tokens not an integer", { model: "GLM-4-Air", messages: user, max_tokens: 1.5 }, "max_tokens"],
    ["max_tokens zero", { model: "GLM-4-Air", messages: user, max_tokens: 0 }, "max_tokens"],
    ["max_tokens above the model's limit", { model: "GLM-4-Air", messages: user, max_tokens: 5000 }, "max_tokens"],
    ["stream not a boolean", { model: "GLM-4-Air", messages: user, stream: "yes" }, "stream"],
    ["tools not an array", { model: "GLM-4-Air", messages: user, tools: {} }, "tools"],
    [
      "a tool with a bad name",
      { model: "GLM-4-Air", messages: user, tools: [{ type: "function", function: { name: "bad name!" } }] },
      "tools[0].function.name",
    ],
    ["tool_choice required", { model: "GLM-4-Air", messages: user, tool_choice: "required" }, "tool_choice"],
    ["n above 1", { model: "GLM-4-Air", messages: user, n: 2 }, "n"],
    ["logprobs", { model: "GLM-4-Air", messages: user, logprobs: true }, "logprobs"],
    ["presence_penalty", { model: "GLM-4-Air", messages: user, presence_penalty: 0.5 }, "presence_penalty"],
  ];
  for (const [name, body, param] of cases) {
    test(`${name}: 400 naming ${param}`, async () => {
      const e = await expectError(body, 400, param);
      assert.equal(e.type, "invalid_request_error");
    });
  }

  test("a prompt that cannot fit the model's context: 400 context_length_exceeded", async () => {
    await expectError(
      { model: "GLM-4-AirX", messages: [{ role: "user", content: "word ".repeat(20_000) }] },
      400,
      "messages",
      "context_length_exceeded",
    );
  });

  test("malformed JSON: 400", async () => {
    await expectError('{"model": "GLM-4-Air", "messages": [', 400, null);
  });

  test("a JSON body that is not an object: 400", async () => {
    await expectError("[1, 2]", 400, null);
  });

  test("a body over 4 MiB: 413, before parsing", async () => {
    const big = JSON.stringify({
      model: "GLM-4-Long",
      messages: [{ role: "user", content: "x".repeat(4 * 1024 * 1024 + 10) }],
    });
    await expectError(big, 413, null, "request_too_large");
  });
});

describe("API keys", () => {
  test("missing, wrong and revoked keys: 401 with the error JSON", async () => {
    const none = await post("/v1/chat/completions", { model: "GLM-4-Air", messages: user });
    assert.equal(none.status, 401);
    // As OpenAI: no code when no key was sent, "invalid_api_key" for one it does not accept.
    assert.equal(((await none.json()) as { error: { code: string | null } }).error.code, null);
    const wrong = await fetch(`${APP_URL}/v1/models`, { headers: { authorization: "Bearer sk-glm-nope" } });
    assert.equal(wrong.status, 401);
    assert.equal(((await wrong.json()) as { error: { code: string } }).error.code, "invalid_api_key");

    await assert.rejects(
      client("sk-glm-wrongwrongwrongwrongwrongwrong12").models.list(),
      (err: unknown) => err instanceof OpenAI.AuthenticationError && err.status === 401,
    );

    const doomed = (await keysCli("create", "--name", "to-revoke")).trim().split("\n").pop()!;
    const ok = await client(doomed).chat.completions.create({
      model: "GLM-4-Flash",
      messages: [{ role: "user", content: tag() }],
    });
    assert.equal(ok.choices[0].finish_reason, "stop");
    const verifiedAt = Date.now();
    const id = (await keysCli("list"))
      .split("\n")
      .find((l) => l.includes("\tto-revoke\t"))!
      .split("\t")[0];
    assert.match(await keysCli("revoke", id), /Revoked key "to-revoke"/);
    // Revoked by another process: the server refuses it once it has trusted it for KEY_TRUSTED_MS (a second).
    await new Promise((r) => setTimeout(r, Math.max(0, verifiedAt + KEY_TRUSTED_MS + 50 - Date.now())));
    await assert.rejects(
      client(doomed).chat.completions.create({ model: "GLM-4-Flash", messages: [{ role: "user", content: "x" }] }),
      (err: unknown) => err instanceof OpenAI.AuthenticationError,
    );
  });

  test("the CLI prints the key alone on its last line, and lists only its prefix", async () => {
    const out = await keysCli("create", "--name", "cli-check", "--email", "dev@example.com");
    const last = out.trim().split("\n").pop()!;
    assert.match(last, /^sk-glm-[A-Za-z0-9_-]{32}$/);
    const list = await keysCli("list");
    const row = list.split("\n").find((l) => l.includes("\tcli-check\t"))!;
    assert.ok(row.includes(last.slice(0, 13)));
    assert.ok(!list.includes(last), "the full key is never shown again");
    assert.ok(row.includes("dev@example.com"));
  });
});
