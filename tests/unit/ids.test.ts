import assert from "node:assert/strict";
import { test } from "node:test";
import { ChatTurnBody } from "@/lib/chat/turn";
import { newId } from "@/lib/ids";

test("ids made one after another sort in the order they were made, within one millisecond too", () => {
  const ids = Array.from({ length: 2000 }, newId);
  for (let i = 1; i < ids.length; i++) assert.ok(ids[i - 1] < ids[i], `${ids[i - 1]} before ${ids[i]}`);
  assert.equal(new Set(ids).size, ids.length);
});

test("the ids the chat page makes are ones the chat door takes", () => {
  const body = {
    id: newId(),
    trigger: "submit-message",
    model: "glm-4-flash",
    message: { id: newId(), role: "user", parts: [{ type: "text", text: "Hello" }] },
  };
  assert.equal(ChatTurnBody.safeParse(body).success, true);
});
