/**
 * Verifying a bearer key against the database (lib/auth/api-keys.ts): usable keys pass, and a key found usable
 * is trusted for KEY_TRUSTED_MS at most — a revocation from another process (the CLI, another instance) takes
 * effect within it, one in this process and an expiry at once. SQLite here; PostgreSQL too with TEST_DATABASE_URL.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { sql } from "drizzle-orm";
import type { Db } from "@/db";
import { alsoOnPostgres, openTestDatabase, testEngine } from "../support/engines";

let db: Db;
let close: () => Promise<void>;
let K: typeof import("@/lib/auth/api-keys");
let createUser: typeof import("@/db/queries/users").createUser;
let rows: import("@/db/engine").Engine["rows"];
before(async () => {
  ({ db, close } = await openTestDatabase());
  K = await import("@/lib/auth/api-keys");
  ({ createUser } = await import("@/db/queries/users"));
  ({ rows } = (await import("@/db/engine")).engine());
});
after(() => close?.());

let users = 0;
const newKey = async (expiresAt: number | null = null) => {
  const u = await createUser(db, { email: `keys-${++users}@example.com`, passwordHash: null });
  return { userId: u.id, ...(await K.createApiKey({ userId: u.id, name: "k", expiresAt })) };
};
/** What another process does: the row changes, and this process hears nothing of it. */
const revokeBehindItsBack = (id: string) =>
  rows(db, sql`update api_keys set revoked_at = ${Date.now()} where id = ${id} returning id`);

describe(`verifying keys on ${testEngine}`, () => {
  test("a usable key passes; a wrong one, or one of another shape, does not", async () => {
    const { key, row, userId } = await newKey();
    assert.deepEqual(await K.verifyApiKey(key), { id: row.id, userId });
    // One character off (never the same one: a key may end in "x").
    assert.equal(await K.verifyApiKey(`${key.slice(0, -1)}${key.endsWith("x") ? "y" : "x"}`), undefined);
    assert.equal(await K.verifyApiKey("sk-other-123"), undefined);
  });

  test("trustedApiKey answers without a lookup only for a key verified moments ago, and never after a revocation here", async () => {
    const { key, row, userId } = await newKey();
    assert.equal(K.trustedApiKey(key), undefined, "not verified yet: verifyApiKey decides");
    assert.ok(await K.verifyApiKey(key));
    assert.deepEqual(K.trustedApiKey(key), { id: row.id, userId });
    assert.equal(K.trustedApiKey(`${key}x`), undefined);
    const now = Date.now();
    assert.equal(K.trustedApiKey(key, now + K.KEY_TRUSTED_MS + 1), undefined, "past KEY_TRUSTED_MS");
    await K.revokeApiKey({ userId }, row.id);
    assert.equal(K.trustedApiKey(key), undefined, "revoked in this process");
  });

  test("revoked elsewhere: refused once KEY_TRUSTED_MS has passed since it was last found usable", async () => {
    const { key, row } = await newKey();
    assert.ok(await K.verifyApiKey(key));
    await revokeBehindItsBack(row.id);
    assert.ok(await K.verifyApiKey(key), "still trusted within KEY_TRUSTED_MS: no lookup");
    const later = Date.now() + K.KEY_TRUSTED_MS + 1;
    assert.equal(await K.verifyApiKey(key, later), undefined);
    assert.equal(await K.verifyApiKey(key, later), undefined, "and stays refused");
  });

  test("revoked in this process (the keys page, the admin): refused at once", async () => {
    const { key, row, userId } = await newKey();
    assert.ok(await K.verifyApiKey(key));
    const { revoked } = await K.revokeApiKey({ userId }, row.id);
    assert.equal(revoked.length, 1);
    assert.equal(await K.verifyApiKey(key), undefined);
  });

  test("a key that expires is refused from that moment, found usable just before or not", async () => {
    const now = Date.now();
    const { key } = await newKey(now + 20);
    assert.ok(await K.verifyApiKey(key, now));
    assert.ok(await K.verifyApiKey(key, now + 19));
    assert.equal(await K.verifyApiKey(key, now + 20), undefined);
  });
});

alsoOnPostgres(__filename);

describe(`revoking by the prefix a key list shows, on ${testEngine}`, () => {
  test("a prefix with _ or - in it, with or without its ellipsis; a wildcard matches nothing more", async () => {
    const { revokeKey } = await import("@/db/queries/keys");
    const u = await createUser(db, { email: `revoke-${++users}@example.com`, passwordHash: null });
    // Prefixes as generateKey makes them (base64url: _ and - are key characters), set so the test is certain.
    const made = [];
    for (const prefix of ["sk-glm-_krPN5", "sk-glm-AkrPN5", "sk-glm-b-x9"]) {
      const k = await K.createApiKey({ userId: u.id, name: prefix, expiresAt: null });
      await rows(db, sql`update api_keys set prefix = ${prefix} where id = ${k.row.id} returning id`);
      made.push(k.row.id);
    }
    const now = Date.now();
    // "_" once matched any character, and was then dropped: "sk-glm-_krPN" matched nothing at all.
    assert.deepEqual(
      (await revokeKey(db, { userId: u.id, idOrPrefix: "sk-glm-_krPN5…", now })).revoked.map((r) => r.id),
      [made[0]],
    );
    assert.equal((await revokeKey(db, { userId: u.id, idOrPrefix: "sk-glm-%", now })).matches, 0);
    assert.equal((await revokeKey(db, { userId: u.id, idOrPrefix: "…", now })).matches, 0, "nothing is not a prefix");
    assert.deepEqual(
      (await revokeKey(db, { userId: u.id, idOrPrefix: "SK-GLM-B-X", now })).revoked.map((r) => r.id),
      [made[2]],
    );
  });
});
