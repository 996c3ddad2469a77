import assert from "node:assert/strict";
import { test } from "node:test";
import { ChatTurnBody } from "@/lib/chat/turn";
import { newId } from "@/lib/ids";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("ids sort by the millisecond they were made in, and are UUIDs of version 7", async () => {
  const batches: string[][] = [];
  for (let i = 0; i < 5; i++) {
    batches.push(Array.from({ length: 200 }, newId));
    await sleep(2);
  }
  for (let i = 1; i < batches.length; i++) {
    const latestBefore = batches[i - 1].toSorted().at(-1) as string;
    for (const id of batches[i]) assert.ok(latestBefore < id, `${latestBefore} before ${id}`);
  }
  const all = batches.flat();
  assert.equal(new Set(all).size, all.length);
  for (const id of all) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.ok(Math.abs(Number.parseInt(all[0].replaceAll("-", "").slice(0, 12), 16) - Date.now()) < 5000);
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
