import { test } from "node:test";
import assert from "node:assert/strict";
import { alertText, HttpSession, PASSWORD, uniqueEmail } from "./http-session";

/**
 * npm test names reserved-admin@example.com in ADMIN_EMAILS and never signs it up. Sign-up proves nothing
 * about who owns an address, so once the server has accounts, whoever typed a listed address first would
 * become an admin; the operator or an admin makes such an account instead.
 */
const RESERVED = "reserved-admin@example.com";

test("an address in ADMIN_EMAILS cannot sign itself up once accounts exist", async () => {
  const member = await new HttpSession().register(uniqueEmail("member"), PASSWORD);
  assert.equal(member.status, 303, alertText(member.body));

  const r = await new HttpSession().register(RESERVED, PASSWORD);
  assert.equal(r.status, 200, "refused: the form is shown again");
  assert.match(alertText(r.body) ?? "", /reserved for one of this server\S* admins.*npm run users -- create/);
  const signIn = await new HttpSession().signIn(RESERVED, PASSWORD);
  assert.equal(alertText(signIn.body), "Wrong email or password.", "no account was made");
});
