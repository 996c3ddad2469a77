/**
 * ChatGPT's export (conversations.json): an array of conversations, each a tree of nodes (`mapping`) where
 * every edit and regeneration starts a branch. The conversation as its owner last saw it is the path from
 * `current_node` up through the `parent`s; we keep that path's visible user and assistant messages, in order.
 * System prompts, hidden context, tool calls and tool output are not part of the conversation people read,
 * and are left out; an assistant turn split around a tool call becomes one reply.
 */
import { z } from "zod";
import { DEFAULT_MODEL_ID } from "@/lib/models";
import { IMPORT_LIMITS as L } from "./limits";
import type { ImportConversation, ImportMessage } from "./schema";

/** Seconds since the epoch, as ChatGPT writes times (with a fraction); sometimes null. */
const seconds = z.number().finite().nullish();

const Part = z.union([
  z.string(),
  // Images, audio and files inside a multimodal message: only what can be shown as text is kept.
  z.object({ content_type: z.string().max(100).nullish(), text: z.string().nullish() }),
]);

const ChatGptMessage = z.object({
  author: z.object({ role: z.string().max(50) }),
  create_time: seconds,
  content: z
    .object({
      content_type: z.string().max(100),
      parts: z.array(Part.nullable()).max(1_000).nullish(),
      text: z.string().nullish(),
    })
    .nullish(),
  metadata: z
    .object({
      is_visually_hidden_from_conversation: z.boolean().nullish(),
      model_slug: z.string().max(L.modelChars).nullish(),
    })
    .nullish(),
  recipient: z.string().max(200).nullish(),
});

const ChatGptNode = z.object({
  message: ChatGptMessage.nullish(),
  parent: z.string().max(L.idChars).nullish(),
});

export const ChatGptConversation = z.object({
  title: z.string().nullish(),
  create_time: seconds,
  update_time: seconds,
  mapping: z.record(z.string().max(L.idChars), ChatGptNode),
  current_node: z.string().max(L.idChars).nullish(),
  conversation_id: z.string().max(L.idChars).nullish(),
  id: z.string().max(L.idChars).nullish(),
  default_model_slug: z.string().max(L.modelChars).nullish(),
});
export type ChatGptConversation = z.infer<typeof ChatGptConversation>;

export const ChatGptExport = z.array(ChatGptConversation).max(L.conversations);

/** True when `data` looks like ChatGPT's export (an array of objects with a mapping), before checking it all. */
export const looksLikeChatGpt = (data: unknown): boolean =>
  Array.isArray(data) &&
  (data.length === 0 ||
    (typeof data[0] === "object" && data[0] !== null && "mapping" in (data[0] as Record<string, unknown>)));

const VISIBLE_TYPES = new Set(["text", "multimodal_text"]);

function messageText(m: z.infer<typeof ChatGptMessage>): string {
  const content = m.content;
  if (!content || !VISIBLE_TYPES.has(content.content_type)) return "";
  if (content.parts) {
    return content.parts
      .map((p) => (typeof p === "string" ? p : p && typeof p.text === "string" ? p.text : ""))
      .filter((p) => p.trim())
      .join("\n\n");
  }
  return content.text ?? "";
}

/** The nodes from the root to `current_node` (or, without one, to the last node that has a message). */
function path(c: ChatGptConversation): ChatGptConversation["mapping"][string][] {
  const nodes = c.mapping;
  const has = (id: string) => Object.hasOwn(nodes, id);
  let id = c.current_node && has(c.current_node) ? c.current_node : Object.keys(nodes).at(-1);
  const out: ChatGptConversation["mapping"][string][] = [];
  const seen = new Set<string>();
  // A hostile file may make parents loop: each node is visited once.
  while (id && has(id) && !seen.has(id)) {
    seen.add(id);
    out.push(nodes[id]);
    id = nodes[id].parent ?? undefined;
  }
  return out.reverse();
}

const toMs = (s: number | null | undefined, fallback: number) =>
  typeof s === "number" && s > 0 ? Math.round(s * 1000) : fallback;

/** One ChatGPT conversation as ours: the visible messages of its current branch. */
export function fromChatGpt(c: ChatGptConversation, index: number): ImportConversation {
  const createdAt = toMs(c.create_time, Date.now());
  const updatedAt = toMs(c.update_time, createdAt);
  const messages: ImportMessage[] = [];
  for (const node of path(c)) {
    const m = node.message;
    if (!m) continue;
    const role = m.author.role;
    if (role !== "user" && role !== "assistant") continue; // system, tool
    if (m.metadata?.is_visually_hidden_from_conversation) continue;
    // An assistant message addressed to a tool (code for the python tool, a browser query) is a tool call.
    if (m.recipient && m.recipient !== "all") continue;
    const text = messageText(m);
    if (!text.trim()) continue;
    const model = role === "assistant" ? (m.metadata?.model_slug ?? c.default_model_slug ?? null) : null;
    const last = messages.at(-1);
    if (last && last.role === role && role === "assistant") {
      last.content = `${last.content}\n\n${text}`;
      continue;
    }
    messages.push({ role, content: text, model, status: "complete", createdAt: toMs(m.create_time, createdAt) });
  }
  return {
    sourceId: c.conversation_id ?? c.id ?? `untitled-${createdAt}-${index}`,
    title: (c.title ?? "").trim().slice(0, L.titleChars) || "Imported conversation",
    // A ChatGPT model is not one this app can call: the conversation goes on with GLM-4's default.
    model: DEFAULT_MODEL_ID,
    settings: {},
    createdAt,
    updatedAt: Math.max(updatedAt, createdAt),
    messages,
  };
}
