/**
 * Bad input never gets a 500: undecodable paths, control characters and FTS5 syntax in search, malformed
 * server-action bodies, garbage to /api/chat. A few hundred generated inputs from a fixed seed, so a
 * failure names an input that reproduces.
 */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { actionIds, callAction, signedUpCookie } from "./browser-session";
import { APP_URL } from "./helpers";

/** mulberry32: a tiny seeded PRNG, so every run sends the same inputs. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = rng(0x5eed);
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
const mix = (tokens: readonly string[], n = 1 + Math.floor(random() * 6)) =>
  Array.from({ length: n }, () => pick(tokens)).join("");

const BAD_ESCAPES = [
  "%ff",
  "%",
  "%e0%a4",
  "%c0%af",
  "%00",
  "%0d%0a",
  "%7f",
  "%u1234",
  "%%",
  "%zz",
  "%c2%85",
  "%0a",
  "%1b",
];
const FTS = [
  '"',
  "*",
  "NEAR(",
  "NEAR(a b, 2)",
  " AND ",
  " OR ",
  " NOT ",
  "^",
  ":",
  "(",
  ")",
  "-",
  "{",
  "}",
  "+",
  "'",
  "\u0000",
  "\u0001",
  "\r",
  "\n",
  "\t",
  "\u007f",
  "\u0085",
  "\ud800",
  "\udfff",
  "%",
  "_",
  "\\",
  "紅",
  "葉",
  "a",
  "data",
  " ",
];

let cookie = "";
let ids: Record<string, string> = {};
before(async () => {
  cookie = await signedUpCookie();
  ids = actionIds();
});

const get = (path: string) => fetch(`${APP_URL}${path}`, { redirect: "manual", headers: { cookie } });

async function assertNo5xx(res: Response, what: string) {
  const text = await res.text();
  assert.ok(res.status < 500, `${what}: HTTP ${res.status} ${text.slice(0, 200)}`);
  return text;
}

describe("bad paths", () => {
  test("%ff in every dynamic route: a 4xx page, and the OpenAI error JSON on /v1", async () => {
    for (const path of ["/chat/%ff", "/share/%ff", "/chat/%E0%A4%A", "/share/abc%00"]) {
      const res = await get(path);
      assert.ok(res.status >= 400 && res.status < 500, `${path}: ${res.status}`);
      assert.match(res.headers.get("content-type") ?? "", /text\/html/, `${path}: a page`);
    }
    const v1 = await fetch(`${APP_URL}/v1/models/%ff`);
    assert.ok(v1.status === 400 || v1.status === 404, `/v1/models/%ff: ${v1.status}`);
    const body = (await v1.json()) as { error: Record<string, unknown> };
    assert.deepEqual(Object.keys(body.error).sort(), ["code", "message", "param", "type"]);
    assert.equal(body.error.type, "invalid_request_error");
    assert.ok((await fetch(`${APP_URL}/api/auth/%ff`)).status < 500);
  });

  test("200 generated bad paths: 0 × 5xx", async () => {
    const routes = ["/chat/", "/share/", "/v1/models/", "/api/auth/", "/settings/", "/", "/api/chat/"];
    for (let i = 0; i < 200; i++) {
      const path = pick(routes) + mix(["a", "1", "-", ...BAD_ESCAPES]) + (random() < 0.3 ? `/${mix(BAD_ESCAPES)}` : "");
      const res = path.startsWith("/v1/") ? await fetch(`${APP_URL}${path}`) : await get(path);
      const text = await assertNo5xx(res, `GET ${path}`);
      if (path.startsWith("/v1/") && res.status >= 400)
        assert.ok(JSON.parse(text).error?.message, `${path}: OpenAI error JSON`);
    }
  });
});

describe("sidebar search", () => {
  test("control characters and FTS5 syntax: results or an empty list, never an error", async () => {
    const queries = [
      "a\u0000b",
      "\u0000",
      '"',
      "NEAR(",
      "a AND b",
      "^x",
      "a:b",
      "(x)",
      "-x",
      "***",
      "data\u0000base",
      ...Array.from({ length: 120 }, () => mix(FTS, 1 + Math.floor(random() * 8))),
    ];
    for (const query of queries) {
      const res = await callAction("/", ids.searchConversationsAction, JSON.stringify([{ query }]), { cookie });
      const text = await assertNo5xx(res, `search ${JSON.stringify(query)}`);
      assert.match(text, /"ok":true/, `search ${JSON.stringify(query)} answers with results: ${text.slice(0, 300)}`);
    }
  });
});

describe("server actions", () => {
  test("continueShare called with JSON instead of FormData: 4xx or a redirect, not 500", async () => {
    for (const body of ['[{"shareId":"abc"}]', '["abc"]', "[]", "[null]", "null", "{}"]) {
      for (const headers of [{}, { cookie }] as Record<string, string>[]) {
        const res = await callAction("/share/abc", ids.continueShare, body, headers);
        await assertNo5xx(res, `continueShare ${body}`);
      }
    }
  });

  test("300 malformed action requests: 0 × 5xx", async () => {
    const names = Object.keys(ids);
    const pages = ["/", "/share/abc", "/settings/keys", "/settings/usage", "/login", "/chat/x"];
    const refs = [
      "$1",
      "$@1",
      "$Q2",
      "$W3",
      "$h4",
      "$i1",
      "$B1",
      "$A1",
      "$R1",
      "$K1",
      "$n" + "9".repeat(400),
      "$S1",
      "$D",
      "$T",
      "$u",
    ];
    const bodies: (() => { body: BodyInit; type?: string })[] = [
      () => ({ body: mix(["{", "[", '"', ":", ",", "]", "}", "null", "x", "\u0000"], 1 + Math.floor(random() * 12)) }),
      () => ({ body: JSON.stringify(pick([null, 1, "s", { query: "x" }, { shareId: "abc" }, true])) }),
      () => ({ body: JSON.stringify([pick(refs), { query: pick(refs) }]) }),
      () => ({ body: JSON.stringify([{ query: pick(refs), nested: [[[pick(refs)]]] }]) }),
      () => ({ body: "[".repeat(2000) + "]".repeat(2000) }),
      () => ({
        body: `--zz\r\ncontent-disposition: form-data; name="0"\r\n\r\n${pick(refs)}`,
        type: "multipart/form-data; boundary=zz",
      }),
      () => {
        const form = new FormData();
        form.set("0", JSON.stringify([pick(refs)]));
        if (random() < 0.5) form.set("1", pick(["x", "{", JSON.stringify({ a: pick(refs) })]));
        return { body: form };
      },
      () => ({
        body: new URLSearchParams({ shareId: "abc", query: "x" }).toString(),
        type: "application/x-www-form-urlencoded",
      }),
      () => ({ body: '{"shareId":"abc"}', type: "application/json" }),
    ];
    for (let i = 0; i < 300; i++) {
      const id = random() < 0.15 ? pick(["x", "00", "7f" + "0".repeat(40), "zz".repeat(21), ""]) : ids[pick(names)];
      const { body, type } = pick(bodies)();
      const headers: Record<string, string> = random() < 0.5 ? { cookie } : {};
      if (type) headers["content-type"] = type;
      const res = await callAction(pick(pages), id, body, headers);
      await assertNo5xx(res, `action #${i} ${id} ${typeof body === "string" ? body.slice(0, 80) : "(form)"}`);
    }
  });

  test("a no-JS form post with a broken multipart body: 4xx", async () => {
    const res = await fetch(`${APP_URL}/share/abc`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "multipart/form-data; boundary=zz" },
      body: "garbage",
    });
    await assertNo5xx(res, "multipart garbage without Next-Action");
  });
});

describe("/api/chat", () => {
  test("garbage bodies from a signed-in browser: 4xx", async () => {
    const bodies = [
      "",
      "{{{",
      "null",
      "[]",
      '"x"',
      "1",
      '{"messages":"x"}',
      '{"messages":[{"role":"user"}]}',
      '{"id":"%ff","messages":[]}',
      '{"id":"\\u0000","messages":[{"id":"m","role":"user","parts":[{"type":"text","text":"\\u0000"}]}]}',
      ...Array.from({ length: 30 }, () =>
        mix(["{", "}", "[", "]", '"messages"', ":", ",", "null", '"\\u0000"', "1e999"], 1 + Math.floor(random() * 10)),
      ),
    ];
    for (const body of bodies) {
      const res = await fetch(`${APP_URL}/api/chat`, {
        method: "POST",
        body,
        headers: { cookie, "content-type": "application/json", origin: APP_URL, "sec-fetch-site": "same-origin" },
      });
      const text = await assertNo5xx(res, `/api/chat ${body.slice(0, 80)}`);
      assert.ok(res.status >= 400, `/api/chat ${body.slice(0, 80)}: ${res.status} ${text.slice(0, 120)}`);
    }
  });
});
