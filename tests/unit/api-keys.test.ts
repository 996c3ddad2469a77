import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
// Only the pure helpers: createApiKey/verifyApiKey need the database.
import { generateKey, hashKey, KEY_PREFIX } from "@/lib/auth/api-keys";

describe("generateKey", () => {
  test("starts with sk-glm- followed by 32 base64url characters", () => {
    assert.equal(KEY_PREFIX, "sk-glm-");
    const key = generateKey();
    assert.match(key, /^sk-glm-[A-Za-z0-9_-]{32}$/);
  });

  test("carries at least 128 bits of randomness", () => {
    const secret = generateKey().slice(KEY_PREFIX.length);
    // 32 base64url characters decode to 24 bytes = 192 bits.
    assert.ok(Buffer.from(secret, "base64url").length * 8 >= 128);
    // Every character position varies across keys: no fixed padding or counter hiding in the secret.
    const keys = Array.from({ length: 400 }, () => generateKey().slice(KEY_PREFIX.length));
    for (let i = 0; i < 32; i++) {
      assert.ok(new Set(keys.map((k) => k[i])).size > 20, `position ${i} barely varies`);
    }
  });

  test("two calls differ, and no key repeats in a thousand", () => {
    assert.notEqual(generateKey(), generateKey());
    assert.equal(new Set(Array.from({ length: 1000 }, generateKey)).size, 1000);
  });
});

describe("hashKey", () => {
  test("is SHA-256 in hex", () => {
    assert.equal(hashKey("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const key = generateKey();
    assert.equal(hashKey(key), createHash("sha256").update(key).digest("hex"));
    assert.match(hashKey(key), /^[0-9a-f]{64}$/);
  });

  test("different keys hash differently; the same key hashes the same", () => {
    const key = generateKey();
    assert.equal(hashKey(key), hashKey(key));
    assert.notEqual(hashKey(key), hashKey(key + "x"));
  });
});
