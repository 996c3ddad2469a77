import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { sqlRow } from "./helpers";
import { alertText, HttpSession, PASSWORD, uniqueEmail } from "./http-session";

/**
 * Sign-in and sign-up throttles, counted in the database. Each test connects from a loopback address of its
 * own (127.0.0.x), which the server sees as the client's address.
 */

const TOO_MANY = /^Too many attempts, try again in (\d+) minutes?\.$/;

async function account() {
  const email = uniqueEmail("throttle");
  const r = await new HttpSession().register(email, PASSWORD);
  assert.equal(r.status, 303, alertText(r.body));
  return email;
}

/**
 * `n` sign-ins at once (each is checked against the count before it, and counted after it, so none of a
 * batch below a limit is refused): the test's time is then one password check, not n in a row.
 */
const times = <T>(n: number, f: (i: number) => Promise<T>) => Promise.all(Array.from({ length: n }, (_, i) => f(i)));

/** The form's answer: "signed in" (a redirect) or the alert it shows. */
async function signIn(from: string, email: string, password: string): Promise<string> {
  const r = await new HttpSession(from).signIn(email, password);
  return r.status === 303 ? "signed in" : (alertText(r.body) ?? `HTTP ${r.status}`);
}

describe("sign-in throttling", () => {
  test("after 10 wrong passwords in 15 minutes that address is refused for the account; the owner elsewhere is not", async () => {
    const email = await account();
    for (const answer of await times(10, (i) => signIn("127.0.0.31", email, `wrong password ${i + 1}`)))
      assert.equal(answer, "Wrong email or password.");
    const t0 = performance.now();
    const answer = await signIn("127.0.0.31", email, PASSWORD);
    assert.match(answer, TOO_MANY);
    assert.ok(Number(TOO_MANY.exec(answer)![1]) <= 15);
    // Auth.js's own HTTP endpoint gets the same answer from that address.
    const http = new HttpSession("127.0.0.31");
    const csrf = await http.request("GET", "/api/auth/csrf");
    const { csrfToken } = JSON.parse(csrf.body) as { csrfToken: string };
    const form = new URLSearchParams({ csrfToken, email, password: PASSWORD }).toString();
    const cb = await http.request("POST", "/api/auth/callback/credentials", {
      body: form,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    assert.match(String(cb.headers.location), /code=too_many_attempts/);
    assert.ok(!http.cookies.has("authjs.session-token"));
    // Whoever guessed cannot lock the owner out: from another address the right password still works.
    assert.equal(await signIn("127.0.0.32", email, PASSWORD), "signed in");
    // Stored where other instances could see it: ten failures for this address and account.
    const rows = await sqlRow("select count(*) as n from auth_attempts where bucket = 'signin-pair' and key = ?", [
      `127.0.0.31 ${email}`,
    ]);
    assert.deepEqual(rows, { n: 10 });
    assert.ok(performance.now() - t0 < 20_000);
  });

  test("a right password clears the account's earlier failures", async () => {
    const email = await account();
    await times(9, () => signIn("127.0.0.33", email, "wrong password"));
    assert.equal(await signIn("127.0.0.33", email, PASSWORD), "signed in");
    await times(9, () => signIn("127.0.0.33", email, "wrong password"));
    assert.equal(await signIn("127.0.0.33", email, PASSWORD), "signed in");
  });

  test("one address trying many accounts is refused after 50 failures", async () => {
    const email = await account();
    for (let batch = 0; batch < 5; batch++)
      for (const answer of await times(10, () => signIn("127.0.0.34", uniqueEmail("nobody"), "wrong password")))
        assert.equal(answer, "Wrong email or password.");
    assert.match(await signIn("127.0.0.34", email, PASSWORD), TOO_MANY);
    assert.equal(await signIn("127.0.0.35", email, PASSWORD), "signed in", "other addresses are not affected");
  });
});

describe("registration throttling", () => {
  test("one address can create 10 accounts an hour", async () => {
    for (const [i, r] of (
      await times(10, () => new HttpSession("127.0.0.41").register(uniqueEmail("signup"), PASSWORD))
    ).entries())
      assert.equal(r.status, 303, `account ${i + 1}: ${alertText(r.body)}`);
    const refused = await new HttpSession("127.0.0.41").register(uniqueEmail("signup"), PASSWORD);
    assert.match(alertText(refused.body) ?? "", TOO_MANY);
    // The server tells the app the address from the socket: one a client names itself is not believed.
    const claims = { "x-glm-client-ip": "10.1.2.3", "x-forwarded-for": "10.1.2.3" };
    const disguised = await new HttpSession("127.0.0.41", claims).register(uniqueEmail("signup"), PASSWORD);
    assert.match(alertText(disguised.body) ?? "", TOO_MANY);
    const elsewhere = await new HttpSession("127.0.0.42").register(uniqueEmail("signup"), PASSWORD);
    assert.equal(elsewhere.status, 303);
  });
});
