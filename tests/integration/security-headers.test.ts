/** Browser security headers on every page (proxy.ts + next.config.mjs headers()), and nosniff on the APIs. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { APP_URL } from "./helpers";

const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${APP_URL}${path}`, { redirect: "manual", headers });

function directives(csp: string | null): Map<string, string> {
  assert.ok(csp, "a Content-Security-Policy header");
  return new Map(
    csp
      .split(";")
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => {
        const [name, ...rest] = d.split(/\s+/);
        return [name, rest.join(" ")] as [string, string];
      }),
  );
}

// A page of each kind: sign-in, sign-up, a signed-out redirect, a share page, the not-found page, a bad path.
const PAGES = ["/login", "/register", "/", "/settings/usage", "/share/no-such-share-id", "/no/such/page", "/chat/%ff"];

describe("security headers", () => {
  test("every page has a nonce CSP that Next applies to each of its scripts", async () => {
    const nonces = new Set<string>();
    for (const path of PAGES) {
      const res = await get(path);
      const csp = directives(res.headers.get("content-security-policy"));
      const script = csp.get("script-src") ?? "";
      const nonce = /'nonce-([A-Za-z0-9+/=]{22,})'/.exec(script)?.[1];
      assert.ok(nonce, `${path}: script-src has a nonce (${script})`);
      assert.match(script, /'strict-dynamic'/);
      assert.doesNotMatch(script, /unsafe-inline|unsafe-eval/, `${path}: production allows no inline or eval scripts`);
      nonces.add(nonce);
      assert.equal(csp.get("frame-ancestors"), "'none'", path);
      assert.equal(csp.get("object-src"), "'none'", path);
      assert.equal(csp.get("base-uri"), "'none'", path);
      assert.equal(csp.get("form-action"), "'self'", path);
      assert.equal(csp.get("img-src"), "'self' data: blob:", path);
      assert.ok(!csp.has("upgrade-insecure-requests"), `${path}: no upgrade over plain http (a LAN install)`);
      if (res.status === 200 || res.status === 404) {
        const html = await res.text();
        const scripts = html.match(/<script\b[^>]*>/g) ?? [];
        assert.ok(scripts.length > 0, `${path}: has scripts`);
        for (const tag of scripts) assert.ok(tag.includes(`nonce="${nonce}"`), `${path}: ${tag} carries the nonce`);
      }
    }
    assert.equal(nonces.size, PAGES.length, "a fresh nonce per request");
  });

  test("nosniff, no framing, a referrer policy and a permissions policy on pages", async () => {
    for (const path of PAGES) {
      const h = (await get(path)).headers;
      assert.equal(h.get("x-content-type-options"), "nosniff", path);
      assert.equal(h.get("x-frame-options"), "DENY", path);
      const expected = path.startsWith("/share/") ? "no-referrer" : "strict-origin-when-cross-origin";
      assert.equal(h.get("referrer-policy"), expected, path);
      const permissions = h.get("permissions-policy") ?? "";
      for (const feature of ["camera=()", "microphone=()", "geolocation=()"])
        assert.ok(permissions.includes(feature), `${path}: ${feature}`);
    }
  });

  test("HSTS only when the request came over https through a proxy", async () => {
    assert.equal((await get("/login")).headers.get("strict-transport-security"), null);
    const proxied = await get("/login", { "x-forwarded-proto": "https" });
    assert.match(proxied.headers.get("strict-transport-security") ?? "", /^max-age=\d{7,}/);
    assert.ok(directives(proxied.headers.get("content-security-policy")).has("upgrade-insecure-requests"));
    const api = await get("/api/health", { "x-forwarded-proto": "https" });
    assert.match(api.headers.get("strict-transport-security") ?? "", /^max-age=/);
  });

  test("APIs get nosniff too; /v1 stays JSON without a page CSP", async () => {
    for (const path of ["/api/health", "/v1/models", "/v1/models/GLM-4-Flash", "/api/auth/session"]) {
      const res = await get(path);
      assert.equal(res.headers.get("x-content-type-options"), "nosniff", path);
    }
    const chat = await fetch(`${APP_URL}/v1/chat/completions`, { method: "POST", body: "{}" });
    assert.equal(chat.headers.get("x-content-type-options"), "nosniff");
    assert.equal(chat.headers.get("content-security-policy"), null, "the hot /v1 path skips the proxy");
  });

  test("a server action posted from another site is refused with a 403, not a 500 from inside Next", async () => {
    const action = (headers: Record<string, string>) =>
      fetch(`${APP_URL}/login`, {
        method: "POST",
        redirect: "manual",
        headers: { "next-action": "0123456789abcdef", "content-type": "text/plain;charset=UTF-8", ...headers },
        body: "[]",
      });
    const senders: Record<string, string>[] = [{ "sec-fetch-site": "cross-site" }, { origin: "https://evil.example" }];
    for (const from of senders) {
      const res = await action(from);
      assert.equal(res.status, 403, JSON.stringify(from));
      assert.match(await res.text(), /not allowed/);
    }
  });

  test("so is one sent as a form, as a page without its JavaScript sends it (no Next-Action header)", async () => {
    // What React's <form action> posts before hydration: the action named in the form's fields. Forged from
    // another site with no Origin, it signed its sender in on /login before (security review).
    const form = () => {
      const fd = new FormData();
      fd.set("$ACTION_ID_0123456789abcdef", "");
      fd.set("email", "someone@example.com");
      fd.set("password", "x");
      return fd;
    };
    const post = (headers: Record<string, string>) =>
      fetch(`${APP_URL}/login`, { method: "POST", redirect: "manual", headers, body: form() });
    const forged: Record<string, string>[] = [
      { "sec-fetch-site": "cross-site" },
      { "sec-fetch-site": "same-site" },
      { origin: "null" },
    ];
    for (const from of forged) {
      const res = await post(from);
      assert.equal(res.status, 403, JSON.stringify(from));
      assert.equal(res.headers.get("set-cookie"), null);
    }
    // The page's own form, from the page itself, is not refused by the check (its unknown action is Next's to answer).
    assert.notEqual((await post({ "sec-fetch-site": "same-origin" })).status, 403);
  });
});
