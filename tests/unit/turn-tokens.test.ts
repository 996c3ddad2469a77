import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { redoTokens } from "@/components/chat/turn-tokens";
import type { AttachmentInfo } from "@/lib/attachments/limits";
import type { ChatUIMessage } from "@/lib/chat/types";
import { estimatePromptTokens } from "@/lib/tokens";

const file = (tokens: number): AttachmentInfo => ({
  id: `f${tokens}`,
  name: "long.txt",
  mediaType: "text/plain",
  size: tokens * 4,
  pages: null,
  tokens,
});
const say = (id: string, role: "user" | "assistant", text: string, files?: AttachmentInfo[]): ChatUIMessage => ({
  id,
  role,
  parts: [{ type: "text", text }],
  metadata: files ? { attachments: files } : {},
});

// A question with a 10,000-token document, a 1,000-token reply, a short follow-up and its 500-token reply.
const thread = [
  say("q1", "user", "What does it say?", [file(10_000)]),
  say("a1", "assistant", "x".repeat(4_000)),
  say("q2", "user", "And then?"),
  say("a2", "assistant", "y".repeat(2_000)),
];
const estimate = (...messages: { text: string; fileTokens?: number }[]) =>
  estimatePromptTokens({ system: "Be brief", messages });

describe("what Regenerate, Continue and an edit would send, estimated", () => {
  test("Regenerate: the thread up to the last question, without the reply it replaces", () => {
    assert.equal(
      redoTokens(thread, "Be brief", { kind: "regenerate" }),
      estimate({ text: "What does it say?", fileTokens: 10_000 }, { text: "x".repeat(4_000) }, { text: "And then?" }),
    );
  });

  test("Continue: the whole thread, the reply it writes on included", () => {
    assert.equal(
      redoTokens(thread, "Be brief", { kind: "continue" }),
      estimate(
        { text: "What does it say?", fileTokens: 10_000 },
        { text: "x".repeat(4_000) },
        { text: "And then?" },
        { text: "y".repeat(2_000) },
      ),
    );
  });

  test("an edit: the thread before the message, then the new text with the message's own documents", () => {
    const text = "z".repeat(400);
    assert.equal(
      redoTokens(thread, "Be brief", { kind: "edit", messageId: "q1", text }),
      estimate({ text, fileTokens: 10_000 }),
    );
    assert.equal(
      redoTokens(thread, "Be brief", { kind: "edit", messageId: "q2", text }),
      estimate({ text: "What does it say?", fileTokens: 10_000 }, { text: "x".repeat(4_000) }, { text }),
    );
  });
});
