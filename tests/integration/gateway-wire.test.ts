/**
 * `/v1` at the HTTP level, as the official SDK and a browser see it: unknown fields refused by name, JSON errors
 * for every path and method, trailing slashes, CORS and the request id. Both doors: npm test's PostgreSQL pass
 * runs these through the route handlers (THROUGH_NEXT=1).
 */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import OpenAI from "openai";
import { APP_URL, client, createKey, standinLog } from "./helpers";

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

/** Route handlers (THROUGH_NEXT=1) keep Next's 308 for a trailing slash; the node:http door serves the path. */
const throughNext = ["1", "true", "yes"].includes(String(process.env.THROUGH_NEXT).toLowerCase());

interface ErrorJson {
  error: { message: string; type: string; param: string | null; code: string | null };
}

async function jsonError(res: Response, status: number): Promise<ErrorJson["error"]> {
  assert.equal(res.status, status, `${res.url}: status`);
  assert.match(res.headers.get("content-type") ?? "", /^application\/json/, `${res.url}: JSON`);
  const { error } = (await res.json()) as ErrorJson;
  assert.equal(error.type, "invalid_request_error");
  assert.equal(error.param, null);
  assert.equal(error.code, null);
  return error;
}

describe("paths and methods", () => {
  const auth = () => ({ authorization: `Bearer ${key}` });

  test("an unknown /v1 path: OpenAI's JSON 404 'Invalid URL', with or without a key", async () => {
    for (const [method, path] of [
      ["POST", "/v1/completions"],
      ["POST", "/v1/embeddings"],
      ["GET", "/v1"],
      ["GET", "/v1/models/GLM-4-Air/extra"],
    ]) {
      for (const headers of [auth(), {}]) {
        const res = await fetch(`${APP_URL}${path}`, { method, headers, redirect: "manual" });
        const e = await jsonError(res, 404);
        assert.equal(e.message, `Invalid URL (${method} ${path})`);
      }
    }
  });

  test("a wrong method: a JSON 405 with Allow", async () => {
    for (const [method, path, allow] of [
      ["GET", "/v1/chat/completions", /POST/],
      ["PUT", "/v1/chat/completions", /POST/],
      ["POST", "/v1/models", /GET/],
      ["DELETE", "/v1/models/GLM-4-Air", /GET/],
    ] as const) {
      const res = await fetch(`${APP_URL}${path}`, { method, headers: auth() });
      assert.match(res.headers.get("allow") ?? "", allow, `${method} ${path}`);
      assert.match((await jsonError(res, 405)).message, new RegExp(`${method} ${path}`));
    }
    const head = await fetch(`${APP_URL}/v1/chat/completions`, { method: "HEAD", headers: auth() });
    assert.equal(head.status, 405);
  });

  test("a trailing slash reaches the same route: /v1/models/ lists, /v1/chat/completions/ answers", async () => {
    const list = await fetch(`${APP_URL}/v1/models/`, { headers: auth() });
    assert.equal(list.status, 200);
    assert.equal(((await list.json()) as { object: string }).object, "list");
    const chat = await fetch(`${APP_URL}/v1/chat/completions/`, {
      method: "POST",
      headers: { ...auth(), "content-type": "application/json" },
      body: JSON.stringify({ model: "GLM-4-Air", messages: user }),
      redirect: throughNext ? "follow" : "manual",
    });
    assert.equal(chat.status, 200);
    assert.equal(((await chat.json()) as { object: string }).object, "chat.completion");
    // The SDK with a base URL ending in a slash, as some configurations write it.
    const sdk = new OpenAI({ apiKey: key, baseURL: `${APP_URL}/v1/`, maxRetries: 0 });
    assert.ok((await sdk.models.list()).data.length > 0);
  });
});

describe("browsers and request ids", () => {
  const auth = () => ({ authorization: `Bearer ${key}` });
  const origin = "http://example.com";

  test("a CORS preflight on /v1 is allowed, echoing the headers asked for, cached for a day", async () => {
    for (const path of ["/v1/chat/completions", "/v1/models", "/v1/models/GLM-4-Air"]) {
      const res = await fetch(`${APP_URL}${path}`, {
        method: "OPTIONS",
        headers: {
          origin,
          "access-control-request-method": "POST",
          "access-control-request-headers": "authorization,content-type,x-stainless-os",
        },
      });
      assert.equal(res.status, 204, path);
      assert.equal(res.headers.get("access-control-allow-origin"), "*", path);
      assert.match(res.headers.get("access-control-allow-methods") ?? "", /POST/, path);
      assert.equal(res.headers.get("access-control-allow-headers"), "authorization,content-type,x-stainless-os", path);
      assert.equal(res.headers.get("access-control-max-age"), "86400", path);
    }
  });

  test("every /v1 answer can be read by a page: success, stream, error; with its request id exposed", async () => {
    const chat = (body: object, headers: Record<string, string> = auth()) =>
      fetch(`${APP_URL}/v1/chat/completions`, {
        method: "POST",
        headers: { ...headers, origin, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const answers = [
      await chat({ model: "GLM-4-Air", messages: user }),
      await chat({ model: "GLM-4-Air", messages: user, stream: true }),
      await chat({ model: "GLM-4-Air", messages: user }, {}),
      await fetch(`${APP_URL}/v1/models`, { headers: { ...auth(), origin } }),
      await fetch(`${APP_URL}/v1/embeddings`, { method: "POST", headers: { origin } }),
    ];
    for (const res of answers) {
      assert.equal(res.headers.get("access-control-allow-origin"), "*", `${res.url} ${res.status}`);
      assert.match(res.headers.get("access-control-expose-headers") ?? "", /x-request-id/);
      assert.match(
        res.headers.get("x-request-id") ?? "",
        /^(chatcmpl-|req_)[A-Za-z0-9_-]{8,}$/,
        `${res.url} ${res.status}`,
      );
      await res.text();
    }
    assert.equal(answers[2].status, 401);
    assert.equal(answers[4].status, 404);
  });

  test("the SDK exposes the request id: the completion's own id on a reply, one on an error", async () => {
    const sdk = client(key);
    const { data, request_id } = await sdk.chat.completions
      .create({ model: "GLM-4-Air", messages: user })
      .withResponse();
    assert.equal(request_id, data.id);
    const stream = await sdk.chat.completions
      .create({ model: "GLM-4-Air", messages: user, stream: true })
      .withResponse();
    let id = "";
    for await (const chunk of stream.data) id = chunk.id;
    assert.equal(stream.request_id, id);
    await assert.rejects(
      sdk.chat.completions.create({ model: "GLM-5-Ultra", messages: user }),
      (err: unknown) => err instanceof OpenAI.NotFoundError && /^req_/.test(err.requestID ?? ""),
    );
  });
});
