import { describe, test } from "node:test";
import assert from "node:assert/strict";
import bcrypt from "bcryptjs";
import { hashPassword, parseScryptHash, passwordProblem, SCRYPT_PARAMS, verifyPassword } from "@/lib/auth/password";

describe("password hashing", () => {
  test("hashes with scrypt in a self-describing format with a fresh salt", async () => {
    const a = await hashPassword("correct horse battery");
    const b = await hashPassword("correct horse battery");
    assert.match(a, /^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    assert.notEqual(a, b);
    assert.deepEqual(
      { ...parseScryptHash(a), salt: undefined, key: undefined },
      { ...SCRYPT_PARAMS, salt: undefined, key: undefined },
    );
  });

  test("verifies the right password and refuses a wrong one", async () => {
    const hash = await hashPassword("correct horse battery");
    assert.deepEqual(await verifyPassword("correct horse battery", hash), { ok: true, needsRehash: false });
    assert.deepEqual(await verifyPassword("correct horse batterY", hash), { ok: false, needsRehash: false });
    assert.deepEqual(await verifyPassword("", hash), { ok: false, needsRehash: false });
  });

  test("an existing bcrypt hash still verifies and asks to be re-hashed", async () => {
    const old = bcrypt.hashSync("correct horse battery", 4);
    assert.deepEqual(await verifyPassword("correct horse battery", old), { ok: true, needsRehash: true });
    assert.deepEqual(await verifyPassword("wrong password!", old), { ok: false, needsRehash: false });
  });

  test("weaker scrypt parameters verify and ask to be re-hashed", async () => {
    const weak = await hashPassword("correct horse battery", { N: 2 ** 10, r: 8, p: 1 });
    assert.deepEqual(await verifyPassword("correct horse battery", weak), { ok: true, needsRehash: true });
  });

  test("no account (null hash) is refused after the same scrypt work", async () => {
    const hash = await hashPassword("correct horse battery");
    const time = async (fn: () => Promise<unknown>) => {
      const t0 = performance.now();
      for (let i = 0; i < 3; i++) await fn();
      return performance.now() - t0;
    };
    assert.deepEqual(await verifyPassword("correct horse battery", null), { ok: false, needsRehash: false });
    const known = await time(() => verifyPassword("wrong password!", hash));
    const unknown = await time(() => verifyPassword("wrong password!", undefined));
    assert.ok(unknown > known * 0.5 && unknown < known * 2, `unknown ${unknown} ms vs known ${known} ms`);
  });

  test("damaged or hostile stored hashes are refused without huge work", async () => {
    for (const bad of [
      "",
      "scrypt$",
      "scrypt$1048577$8$1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5",
      "scrypt$4194304$8$1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5",
      "scrypt$32768$999$1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5",
      "scrypt$32768$8$1$$",
      "plain-text",
      "argon2id$v=19$...",
    ]) {
      assert.equal(parseScryptHash(bad), undefined, bad);
      assert.deepEqual(await verifyPassword("anything at all", bad), { ok: false, needsRehash: false }, bad);
    }
  });

  test("hashing runs off the main thread: timers keep firing during eight hashes", async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 8 }, () => hashPassword("correct horse battery")));
    const elapsed = performance.now() - t0;
    clearInterval(timer);
    // A blocked loop would fire the interval about once; a free one about elapsed / 5 times.
    assert.ok(ticks >= Math.min(10, (elapsed / 5) * 0.3), `${ticks} ticks in ${elapsed.toFixed(0)} ms`);
  });
});

describe("passwordProblem", () => {
  test("refuses short, email-equal and trivial passwords", () => {
    assert.match(passwordProblem("short", "a@b.c")!, /at least 8/);
    assert.match(passwordProblem("A@B.CDEF", "a@b.cdef")!, /email/);
    assert.match(passwordProblem("aaaaaaaaaa", "a@b.c")!, /easy/);
    assert.equal(passwordProblem("correct horse battery", "a@b.c"), null);
  });
});
