/**
 * `/v1` at the HTTP level, as the official SDK and a browser see it: unknown fields refused by name, JSON errors
 * for every path and method, trailing slashes, CORS and the request id. Both doors: npm test's PostgreSQL pass
 * runs these through the route handlers (THROUGH_NEXT=1).
 */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import OpenAI from "openai";
import { client, createKey, standinLog } from "./helpers";

let key: string;
before(async () => {
  key = await createKey("gateway-wire");
});

const user = [{ role: "user" as const, content: "hi" }];

describe("request fields", () => {
  test("an unknown field: the SDK's BadRequestError naming it, and nothing goes upstream", async () => {
    const before = (await standinLog()).length;
    await assert.rejects(
      client(key).chat.completions.create({ model: "GLM-4-Air", messages: user, foo: "bar" } as never),
      (err: unknown) =>
        err instanceof OpenAI.BadRequestError &&
        err.message.includes("Unrecognized request argument supplied: foo") &&
        err.param === "foo" &&
        err.type === "invalid_request_error" &&
        err.code === null,
    );
    assert.equal((await standinLog()).length, before);
  });

  test("legacy function calling and seed are refused, saying what to use instead", async () => {
    const sdk = client(key);
    await assert.rejects(
      sdk.chat.completions.create({
        model: "GLM-4-Air",
        messages: user,
        functions: [{ name: "get_weather", parameters: { type: "object", properties: {} } }],
      }),
      (err: unknown) => err instanceof OpenAI.BadRequestError && err.param === "functions" && /tools/.test(err.message),
    );
    await assert.rejects(
      sdk.chat.completions.create({ model: "GLM-4-Air", messages: user, seed: 42 }),
      (err: unknown) => err instanceof OpenAI.BadRequestError && err.param === "seed",
    );
  });

  test("fields that change nothing are accepted at those values", async () => {
    const r = await client(key).chat.completions.create({
      model: "GLM-4-Air",
      messages: user,
      store: false,
      service_tier: "auto",
      modalities: ["text"],
    });
    assert.equal(r.choices[0].finish_reason, "stop");
  });
});
