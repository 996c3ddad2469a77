import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { groupConversations, groupOf } from "@/components/sidebar/groups";
import { titleFrom } from "@/lib/chat/title";

describe("sidebar groups, in the viewer's time zone", () => {
  const now = new Date(2026, 10, 25, 9, 30); // local time
  const at = (d: number, h = 12) => new Date(2026, 10, d, h).getTime();

  test("calendar days, not 24-hour windows", () => {
    assert.equal(groupOf(new Date(2026, 10, 25, 0, 1).getTime(), now), "today");
    assert.equal(groupOf(new Date(2026, 10, 24, 23, 59).getTime(), now), "yesterday");
    assert.equal(groupOf(at(24, 0), now), "yesterday");
    assert.equal(groupOf(at(23), now), "previous7");
    assert.equal(groupOf(at(18), now), "previous7");
    assert.equal(groupOf(at(17), now), "older");
  });

  test("groups keep the list's order and skip empty groups", () => {
    const items = [at(25), at(25, 8), at(10)].map((updatedAt, i) => ({
      id: String(i),
      title: `c${i}`,
      model: "GLM-4-Air",
      updatedAt,
    }));
    assert.deepEqual(
      groupConversations(items, now).map((g) => [g.group, g.items.map((i) => i.id)]),
      [
        ["today", ["0", "1"]],
        ["older", ["2"]],
      ],
    );
  });
});

describe("titles from the first message", () => {
  test("first non-empty line, spaces collapsed", () => {
    assert.equal(titleFrom("\n\n  How do   I  bake bread?\nMore details"), "How do I bake bread?");
  });
  test("cut at a word boundary with an ellipsis", () => {
    const t = titleFrom(
      "Please explain in detail how the transformer attention mechanism works in large language models",
    );
    assert.ok(t.endsWith("…") && [...t].length <= 61, t);
    assert.ok(!t.slice(0, -1).endsWith(" "));
  });
  test("CJK text without spaces is cut by characters", () => {
    const t = titleFrom(
      "请详细介绍一下智谱AI的GLM-4系列模型在长文本理解方面的能力以及它们与其他模型相比的优势和不足之处还有价格".repeat(
        2,
      ),
    );
    assert.equal([...t].length, 61);
  });
  test("an empty message gets a neutral title", () => {
    assert.equal(titleFrom("   "), "New chat");
  });
});
