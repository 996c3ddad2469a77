/**
 * The picker's save (PUT /api/conversations/:id/model, sent with keepalive so a reload right after keeps it):
 * the owner's conversation and next new chat take the model; another account's conversation is not found (as
 * at every other door) and is not touched, while an id not saved yet is fine; an unknown model, a cross-site
 * request and no session are refused. The conversation settings' save answers the same way.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { before, describe, test } from "node:test";
import { postChat, readReply } from "./chat-session";
import { APP_URL, sqlRow } from "./helpers";
import { alertText, HttpSession, PASSWORD, uniqueEmail } from "./http-session";

const SAME_SITE = { "content-type": "application/json", origin: APP_URL, "sec-fetch-site": "same-origin" };

async function account() {
  const email = uniqueEmail("model");
  const s = new HttpSession();
  const r = await s.register(email, PASSWORD);
  assert.equal(r.status, 303, alertText(r.body));
  return s;
}

const putModel = (s: HttpSession, id: string, model: string, headers: Record<string, string> = SAME_SITE) =>
  s.request("PUT", `/api/conversations/${id}/model`, { headers, body: JSON.stringify({ model }) });

describe("saving a conversation's model", () => {
  let alice: HttpSession;
  let bob: HttpSession;
  const id = randomUUID();
  before(async () => {
    [alice, bob] = await Promise.all([account(), account()]);
    await readReply(await postChat(APP_URL, alice.cookieHeader(), { id, text: "hello", model: "GLM-4-Air" }));
  });

  test("the owner's choice is kept on the conversation, by its catalogue name", async () => {
    const r = await putModel(alice, id, "glm-4-long");
    assert.equal(r.status, 200, r.body);
    assert.deepEqual(JSON.parse(r.body), { model: "GLM-4-Long" });
    const row = await sqlRow<{ model: string }>("select model from conversations where id = ?", [id]);
    assert.equal(row?.model, "GLM-4-Long");
  });

  test("another account cannot change it and is told it does not exist; an id not saved yet is fine", async () => {
    const theirs = await putModel(bob, id, "GLM-4-Plus");
    assert.equal(theirs.status, 404, theirs.body);
    assert.match(JSON.parse(theirs.body).error, /This conversation does not exist\./);
    // An unsaved conversation has nothing to update (its first message carries the model): a 200.
    const missing = await putModel(bob, randomUUID(), "GLM-4-Plus");
    assert.equal(missing.status, 200, missing.body);
    // The settings dialog's save: the same two answers.
    const settings = { systemPrompt: "evil" };
    const theirSettings = await bob.callAction("/", "saveSettingsAction", [{ id, model: "GLM-4-Air", settings }]);
    assert.match(theirSettings.body, /This conversation does not exist\./);
    const newSettings = await bob.callAction("/", "saveSettingsAction", [
      { id: randomUUID(), model: "GLM-4-Air", settings },
    ]);
    assert.match(newSettings.body, /"ok":true/);
    const row = await sqlRow<{ model: string; settings: unknown }>(
      "select model, settings from conversations where id = ?",
      [id],
    );
    assert.equal(row?.model, "GLM-4-Long");
    assert.doesNotMatch(JSON.stringify(row?.settings ?? ""), /evil/);
  });

  test("an unknown model, a cross-site request and no session are refused", async () => {
    const unknown = await putModel(alice, id, "gpt-4o");
    assert.equal(unknown.status, 400);
    assert.match(JSON.parse(unknown.body).error, /Unknown model gpt-4o/);
    const crossSite = await putModel(alice, id, "GLM-4-Plus", {
      "content-type": "application/json",
      origin: "https://evil.example",
      "sec-fetch-site": "cross-site",
    });
    assert.equal(crossSite.status, 403);
    const anonymous = await putModel(new HttpSession(), id, "GLM-4-Plus");
    assert.equal(anonymous.status, 401);
    const row = await sqlRow<{ model: string }>("select model from conversations where id = ?", [id]);
    assert.equal(row?.model, "GLM-4-Long");
  });
});
