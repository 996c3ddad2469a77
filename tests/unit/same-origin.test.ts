/** The CSRF guard for state-changing browser routes (lib/http/same-origin.ts). */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { crossSiteRefusal, refuseCrossSite } from "@/lib/http/same-origin";

// Next reports req.url as localhost even when the browser used 127.0.0.1: the guard must look at Host.
const URL_SEEN_BY_NEXT = "http://localhost:4600/api/chat";
const JSON_BODY = { "content-type": "application/json" };

function req(headers: Record<string, string>, init: { method?: string; body?: string | null } = {}) {
  const method = init.method ?? "POST";
  const body = init.body === undefined ? (method === "GET" ? null : "{}") : init.body;
  return new Request(URL_SEEN_BY_NEXT, { method, headers: { host: "127.0.0.1:4600", ...headers }, body });
}

async function refused(r: Request) {
  const res = refuseCrossSite(r);
  if (!res) return null;
  const body = (await res.json()) as { error: { message: string; code: string } };
  assert.ok(body.error.message && body.error.code, "JSON error with message and code");
  return res.status;
}

describe("refuseCrossSite", () => {
  test("same-origin browser requests pass", async () => {
    assert.equal(
      await refused(req({ "sec-fetch-site": "same-origin", origin: "http://127.0.0.1:4600", ...JSON_BODY })),
      null,
    );
    assert.equal(await refused(req({ "sec-fetch-site": "none", ...JSON_BODY })), null);
    // An older browser without Sec-Fetch-Site: Origin against Host, not against req.url (localhost).
    assert.equal(await refused(req({ origin: "http://127.0.0.1:4600", ...JSON_BODY })), null);
  });

  test("cross-site and same-site (another origin of the site) are refused with 403", async () => {
    assert.equal(await refused(req({ "sec-fetch-site": "cross-site", ...JSON_BODY })), 403);
    assert.equal(
      await refused(req({ "sec-fetch-site": "same-site", origin: "http://127.0.0.1:4299", ...JSON_BODY })),
      403,
    );
    assert.equal(await refused(req({ origin: "http://127.0.0.1:4299", ...JSON_BODY })), 403);
    assert.equal(await refused(req({ origin: "http://evil.example", ...JSON_BODY })), 403);
    assert.equal(await refused(req({ origin: "null", ...JSON_BODY })), 403);
    // Even a GET: the guard answers for whatever route calls it.
    assert.equal(await refused(req({ "sec-fetch-site": "cross-site" }, { method: "GET" })), 403);
  });

  test("the no-cors text/plain POST from the issue is refused", async () => {
    const attack = req(
      { "sec-fetch-site": "same-site", origin: "http://127.0.0.1:4299", "content-type": "text/plain;charset=UTF-8" },
      { body: '{"messages":[]}' },
    );
    assert.equal(await refused(attack), 403);
  });

  test("a body must be JSON, even same-origin", async () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      assert.equal(await refused(req({ "sec-fetch-site": "same-origin", "content-type": type })), 415, type);
    }
    assert.equal(await refused(req({ "sec-fetch-site": "same-origin" })), 415, "no content type");
    assert.equal(
      await refused(req({ "sec-fetch-site": "same-origin", "content-type": "application/json; charset=utf-8" })),
      null,
    );
    assert.equal(
      await refused(req({ "sec-fetch-site": "same-origin", "content-type": "application/merge-patch+json" })),
      null,
    );
    // No body, no content type needed.
    assert.equal(await refused(req({ "sec-fetch-site": "same-origin" }, { method: "DELETE", body: null })), null);
    assert.equal(await refused(req({ "sec-fetch-site": "same-origin" }, { method: "GET" })), null);
  });

  test("behind a proxy (TRUST_PROXY=1): X-Forwarded-Host and X-Forwarded-Proto name the origin the browser used", () => {
    const proxied = { "x-forwarded-host": "chat.example.com", "x-forwarded-proto": "https", ...JSON_BODY };
    const status = (origin: string) =>
      crossSiteRefusal("POST", req({ origin, ...proxied }).headers, true, true)?.status ?? null;
    assert.equal(status("https://chat.example.com"), null);
    assert.equal(status("http://chat.example.com"), 403);
    assert.equal(status("https://127.0.0.1:4600"), 403);
  });

  test("without TRUST_PROXY, X-Forwarded-* are anyone's to send: the Origin is compared with Host", async () => {
    // TRUST_PROXY is not set in the test's environment: config() says no proxy is in front.
    const forged = { origin: "https://evil.example", "x-forwarded-host": "evil.example", "x-forwarded-proto": "https" };
    assert.equal(await refused(req({ ...forged, ...JSON_BODY })), 403);
    assert.equal(crossSiteRefusal("POST", req({ ...forged, ...JSON_BODY }).headers, true, false)?.status, 403);
    // The browser's own origin still passes, whatever the forwarded headers claim.
    const own = {
      origin: "http://127.0.0.1:4600",
      "x-forwarded-host": "chat.example.com",
      "x-forwarded-proto": "https",
    };
    assert.equal(await refused(req({ ...own, ...JSON_BODY })), null);
  });

  test("non-browser clients (no Origin, no Sec-Fetch-Site) pass when they send JSON", async () => {
    assert.equal(await refused(req(JSON_BODY)), null);
    assert.equal(await refused(req({ "content-type": "text/plain" })), 415);
  });
});
