/**
 * The model catalogue as data, against the real server: an admin adds, edits, disables and enables models on
 * /settings/models (its server actions), and /v1 follows at once — listing, validation against the model's own
 * limits, the upstream id sent, `thinking` for a model that thinks, model_not_found once disabled. Members can
 * neither open the page nor call its actions. Leaves the catalogue as it found it (later files list the six).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { APIError, OpenAI } from "openai";
import { adminEmail } from "../e2e/users";
import { client, createKey, tag, upstreamRequestTagged } from "./helpers";
import { HttpSession, PASSWORD, uniqueEmail } from "./http-session";

/** A server action's result, from the RSC payload it answers with. */
function result(body: string): { ok: boolean; data?: unknown; error?: string } {
  const line = body.split("\n").find((l) => /^\d+:\{"ok":/.test(l));
  assert.ok(line, `no action result in ${body.slice(0, 300)}`);
  return JSON.parse(line.slice(line.indexOf(":") + 1));
}

async function adminSession(): Promise<HttpSession> {
  const s = new HttpSession();
  const r = await s.register(adminEmail(), PASSWORD);
  if (r.status !== 303) assert.equal((await s.signIn(adminEmail(), PASSWORD)).status, 303, "the admin signs in");
  return s;
}

const name = `Catalogue-${tag()}`;
const upstreamId = `upstream-${name.toLowerCase()}`;
const form = (extra: Record<string, unknown> = {}) => ({
  name,
  upstreamId,
  contextWindow: 16_000,
  maxOutputTokens: 2_000,
  thinking: "optional",
  description: "A model added by a test",
  ...extra,
});

let admin: HttpSession;
let member: HttpSession;
let sdk: OpenAI;
const act = (s: HttpSession, action: string, input: unknown) => s.callAction("/settings/models", action, [input]);

before(async () => {
  admin = await adminSession();
  member = new HttpSession();
  assert.equal((await member.register(uniqueEmail("member"), PASSWORD)).status, 303);
  sdk = client(await createKey("model-catalogue", adminEmail()));
});
after(async () => {
  await act(admin, "setModelEnabledAction", { name, enabled: false });
});

const listed = async () => (await sdk.models.list()).data.map((m) => m.id);

describe("the model catalogue", () => {
  test("a member can neither open /settings/models nor change the catalogue", async () => {
    assert.equal((await member.get("/settings/models")).status, 404);
    const r = result((await act(member, "addModelAction", form())).body);
    assert.deepEqual(r, { ok: false, error: "Only admins can do this." });
    assert.equal((await listed()).includes(name), false);
    assert.equal((await admin.get("/settings/models")).status, 200);
  });

  test("each refused field has its own message; nothing is added", async () => {
    const r = result(
      (await act(admin, "addModelAction", form({ name: "has space", upstreamId: " ", maxOutputTokens: 20_000 }))).body,
    );
    assert.deepEqual(r.data, {
      ok: false,
      errors: {
        name: "Use letters, digits and . _ : - (no spaces)",
        upstreamId: "Enter the upstream's id for the model",
        maxOutputTokens: "Cannot be more than the context window",
      },
    });
    const dup = result((await act(admin, "addModelAction", form({ name: "glm-4-AIR" }))).body);
    assert.deepEqual(dup.data, { ok: false, errors: { name: "A model of this name exists already" } });
  });

  test("an added model is served through /v1 at once, with its upstream id, its limits and thinking", async () => {
    const r = result((await act(admin, "addModelAction", form())).body);
    assert.equal((r.data as { ok: boolean }).ok, true, JSON.stringify(r));
    assert.ok((await listed()).includes(name));
    assert.equal((await sdk.models.retrieve(name.toLowerCase())).id, name);

    const t = tag();
    const reply = await sdk.chat.completions.create({
      model: name.toLowerCase(),
      messages: [{ role: "user", content: `hello ${t}` }],
      // @ts-expect-error Zhipu's field, not in the SDK's types
      thinking: { type: "enabled" },
    });
    assert.equal(reply.model, name);
    const sent = await upstreamRequestTagged(t);
    assert.equal(sent?.body.model, upstreamId);
    assert.deepEqual(sent?.body.thinking, { type: "enabled" });

    await assert.rejects(
      sdk.chat.completions.create({ model: name, messages: [{ role: "user", content: "hi" }], max_tokens: 2_001 }),
      (err: APIError) => err.status === 400 && /2000/.test(err.message) && err.param === "max_tokens",
    );
  });

  test("an edit applies at once: a new output limit and upstream id", async () => {
    const r = result(
      (
        await act(admin, "updateModelAction", {
          ...form({ maxOutputTokens: 3_000, upstreamId: `${upstreamId}-v2` }),
          original: name,
        })
      ).body,
    );
    assert.equal((r.data as { ok: boolean }).ok, true, JSON.stringify(r));
    const t = tag();
    await sdk.chat.completions.create({ model: name, messages: [{ role: "user", content: t }], max_tokens: 2_500 });
    assert.equal((await upstreamRequestTagged(t))?.body.model, `${upstreamId}-v2`);
  });

  test("a model keeps its name: an edit that renames it is refused, and the model is still there", async () => {
    const r = result(
      (await act(admin, "updateModelAction", { ...form({ name: `${name}-renamed` }), original: name })).body,
    );
    const data = r.data as { ok: boolean; errors?: { name?: string } };
    assert.equal(data.ok, false);
    assert.match(data.errors?.name ?? "", /keeps its name/);
    assert.ok((await listed()).includes(name));
  });

  test("disabled: model_not_found on /v1 and gone from the list; enabled again: back", async () => {
    result((await act(admin, "setModelEnabledAction", { name, enabled: false })).body);
    assert.equal((await listed()).includes(name), false);
    await assert.rejects(
      sdk.chat.completions.create({ model: name, messages: [{ role: "user", content: "hi" }] }),
      (err: APIError) => err.status === 404 && err.code === "model_not_found",
    );
    await assert.rejects(sdk.models.retrieve(name), (err: APIError) => err.status === 404);
    result((await act(admin, "setModelEnabledAction", { name, enabled: true })).body);
    assert.ok((await listed()).includes(name));
  });
});
