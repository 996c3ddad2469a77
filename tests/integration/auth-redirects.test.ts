import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { APP_URL } from "./helpers";
import { alertText, HttpSession, PASSWORD, uniqueEmail } from "./http-session";

/** After signing in, `next` may only lead to a path on this site. */

const NASTY = [
  "%2F%09%2F127.0.0.1:4299%2Ftab",
  "/\t/127.0.0.1:4299/tab",
  "//evil.example/",
  "/\\evil.example",
  "https://evil.example/",
  "/%5C%5Cevil.example",
  "/..//evil.example",
  "/\r\nSet-Cookie: stolen=1",
  "/%0d%0aSet-Cookie:%20stolen=1",
  "/\u0000",
  "/%ff",
];

describe("next after sign-in", () => {
  test("leads to same-origin paths only, and never to a 500", async () => {
    const email = uniqueEmail("next");
    assert.equal((await new HttpSession().register(email, PASSWORD)).status, 303);
    for (const next of NASTY) {
      const s = new HttpSession();
      const page = await s.get(`/login?next=${encodeURIComponent(next)}`);
      assert.equal(page.status, 200, `GET /login with next ${JSON.stringify(next)}`);
      const r = await s.signIn(email, PASSWORD, next);
      assert.equal(r.status, 303, `${JSON.stringify(next)}: ${alertText(r.body) ?? r.body.slice(0, 200)}`);
      const target = new URL(String(r.headers.location), APP_URL);
      assert.equal(target.origin, new URL(APP_URL).origin, `${JSON.stringify(next)} led to ${r.headers.location}`);
      assert.equal(target.pathname, "/", JSON.stringify(next));
    }
  });

  test("a path on this site is kept", async () => {
    const email = uniqueEmail("next");
    assert.equal((await new HttpSession().register(email, PASSWORD)).status, 303);
    const r = await new HttpSession().signIn(email, PASSWORD, "/settings/keys?x=1");
    assert.equal(r.headers.location, "/settings/keys?x=1");
  });
});
