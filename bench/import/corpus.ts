/**
 * A ChatGPT export (conversations.json) of `conversations` conversations with `messages` visible messages
 * each, written the way ChatGPT writes them: a root node, a hidden system node, then alternating user and
 * assistant nodes, and one regenerated reply per conversation on an abandoned branch. Text mixes English,
 * Chinese and Japanese, user messages ~150 characters and replies ~700.
 */
const WORDS = [
  "database",
  "index",
  "query",
  "京都",
  "紅葉",
  "数据",
  "模型",
  "の",
  "分析",
  "temple",
  "gateway",
  "stream",
  "token",
  "上下文",
  "会話",
  "export",
];

function text(seed: number, chars: number): string {
  let out = "";
  let i = seed;
  while (out.length < chars) {
    i = (i * 1103515245 + 12345) & 0x7fffffff;
    out += `${WORDS[i % WORDS.length]} `;
    if (i % 23 === 0) out += "\n\n";
  }
  return out.trim();
}

export function chatGptExport(conversations: number, messages: number): string {
  const parts: string[] = [];
  for (let c = 0; c < conversations; c++) {
    const t0 = 1_700_000_000 + c * 3600;
    const mapping: Record<string, unknown> = {};
    const node = (id: string, parent: string | null, children: string[], message: unknown) => {
      mapping[id] = { id, message, parent, children };
    };
    const msg = (id: string, role: string, body: string, t: number, extra: object = {}) => ({
      id,
      author: { role, name: null, metadata: {} },
      create_time: t,
      update_time: null,
      content: { content_type: "text", parts: [body] },
      status: "finished_successfully",
      end_turn: role === "assistant" ? true : null,
      weight: 1,
      metadata: role === "assistant" ? { model_slug: "gpt-4o", finish_details: { type: "stop" } } : {},
      recipient: "all",
      ...extra,
    });
    node("root", null, ["sys"], null);
    node("sys", "root", ["m0"], {
      ...msg("sys", "system", "", t0),
      metadata: { is_visually_hidden_from_conversation: true },
    });
    let parent = "sys";
    for (let m = 0; m < messages; m++) {
      const id = `m${m}`;
      const role = m % 2 ? "assistant" : "user";
      const children = m + 1 < messages ? [`m${m + 1}`] : [];
      if (m === 1) children.push("regen");
      node(id, parent, children, msg(id, role, text(c * 1000 + m, role === "user" ? 150 : 700), t0 + m));
      parent = id;
    }
    node("regen", "m1", [], msg("regen", "assistant", text(c, 300), t0 + 1));
    parts.push(
      JSON.stringify({
        title: `Conversation ${c} ${text(c, 20)}`,
        create_time: t0,
        update_time: t0 + messages,
        mapping,
        moderation_results: [],
        current_node: `m${messages - 1}`,
        conversation_id: `00000000-0000-4000-8000-${String(c).padStart(12, "0")}`,
        default_model_slug: "gpt-4o",
        id: `00000000-0000-4000-8000-${String(c).padStart(12, "0")}`,
      }),
    );
  }
  return `[${parts.join(",")}]`;
}
