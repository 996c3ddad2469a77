/**
 * The chat routes' session check (lib/auth/request-session.ts): the Auth.js cookie decrypted directly, with
 * the same guarantees as auth() — a valid, unexpired JWE made with AUTH_SECRET, and a live session row.
 */
import assert from "node:assert/strict";
import { before, test } from "node:test";
import { openTestDatabase } from "../support/engines";

let requestUser: typeof import("@/lib/auth/request-session").requestUser;
let encode: typeof import("next-auth/jwt").encode;
let sessions: typeof import("@/lib/auth/sessions");
let userId: string;

before(async () => {
  process.env.AUTH_SECRET = "request-session-test-secret";
  const { db } = await openTestDatabase();
  ({ requestUser } = await import("@/lib/auth/request-session"));
  ({ encode } = await import("next-auth/jwt"));
  sessions = await import("@/lib/auth/sessions");
  const { createUser } = await import("@/db/queries/users");
  userId = (await createUser(db, { email: "cookie@example.com", passwordHash: null })).id;
});

const NAME = "authjs.session-token";
const cookieFor = async (claims: Record<string, unknown>, o: { secret?: string; maxAge?: number } = {}) =>
  encode({ token: claims, secret: o.secret ?? "request-session-test-secret", salt: NAME, maxAge: o.maxAge });
const request = (cookie: string) => new Request("http://localhost/api/chat", { headers: { cookie } });

test("a live session's cookie gives its user, also split in chunks; the session ending ends it at once", async () => {
  const sid = await sessions.startSession({ userId, userAgent: null });
  const token = await cookieFor({ sub: userId, sid });
  assert.equal((await requestUser(request(`other=1; ${NAME}=${token}`)))?.id, userId);
  const half = Math.floor(token.length / 2);
  const chunked = `${NAME}.1=${token.slice(half)}; ${NAME}.0=${token.slice(0, half)}`;
  assert.equal((await requestUser(request(chunked)))?.id, userId, "chunks are joined in order");
  await sessions.endSession({ sessionId: sid, userId });
  assert.equal(await requestUser(request(`${NAME}=${token}`)), null, "the decrypted cookie is cached, the row is not");
});

test("no cookie, a tampered or foreign-secret cookie, an expired one, or one without a session id: nobody", async () => {
  const sid = await sessions.startSession({ userId, userAgent: null });
  const good = await cookieFor({ sub: userId, sid });
  assert.equal(await requestUser(request("")), null);
  assert.equal(await requestUser(request(`${NAME}=${good.slice(0, -2)}xx`)), null);
  assert.equal(
    await requestUser(request(`${NAME}=${await cookieFor({ sub: userId, sid }, { secret: "another" })}`)),
    null,
  );
  assert.equal(await requestUser(request(`${NAME}=${await cookieFor({ sub: userId, sid }, { maxAge: -60 })}`)), null);
  assert.equal(await requestUser(request(`${NAME}=${await cookieFor({ sub: userId })}`)), null);
  assert.equal(
    await requestUser(request(`${NAME}=${await cookieFor({ sub: "someone-else", sid })}`)),
    null,
    "the session row must belong to the token's user",
  );
});
