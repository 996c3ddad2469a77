import { test } from "node:test";
import assert from "node:assert/strict";
import { parseJsonBody } from "@/lib/gateway/v1-door";
import { AppError } from "@/lib/errors";

const body = (text: string) => ({ ok: true as const, bytes: Buffer.from(text, "utf8") });

function refusal(text: string): AppError {
  try {
    parseJsonBody(body(text));
  } catch (err) {
    assert.ok(err instanceof AppError);
    return err;
  }
  assert.fail(`accepted ${JSON.stringify(text)}`);
}

test("a JSON body is parsed, also behind a byte-order mark", () => {
  assert.deepEqual(parseJsonBody(body('{"model":"GLM-4-Flash"}')), { model: "GLM-4-Flash" });
  assert.deepEqual(parseJsonBody(body('\uFEFF{"model":"GLM-4-Flash"}')), { model: "GLM-4-Flash" });
});

test("an empty, blank or malformed body is a 400 that says which", () => {
  for (const text of ["", "  \n", "\uFEFF"]) assert.match(refusal(text).message, /empty/);
  for (const text of ['{"model":', "\uFEFF\uFEFF{}", "model=GLM-4-Flash"]) {
    const err = refusal(text);
    assert.equal(err.status, 400);
    assert.match(err.message, /could not parse the JSON/);
  }
});

test("a body over the cap is a 413, with the connection closed when asked", () => {
  const err = (() => {
    try {
      parseJsonBody({ ok: false, closeConnection: true });
    } catch (e) {
      return e as AppError;
    }
  })();
  assert.equal(err?.status, 413);
  assert.equal(err?.headers?.connection, "close");
});
