import { streamText, type ModelMessage } from "ai";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { createConversation, getConversation } from "@/db/queries/conversations";
import { conversationOfMessage, finishReply, startTurn } from "@/db/queries/messages";
import type { ConversationSettings, Message } from "@/db/schema";
import { currentUser } from "@/lib/auth/session";
import { glmProvider } from "@/lib/chat/provider";
import { checkSettings, SettingsInput } from "@/lib/chat/settings";
import { titleFrom } from "@/lib/chat/title";
import { textOf } from "@/lib/chat/types";
import { findModel } from "@/lib/models";

export const dynamic = "force-dynamic";

const Id = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, "Invalid id.");
const Body = z.object({
  id: Id,
  trigger: z.enum(["submit-message", "regenerate-message"]),
  message: z.object({
    id: Id,
    role: z.literal("user"),
    parts: z.array(z.object({ type: z.string(), text: z.string().optional() })),
  }).optional(),
  model: z.string(),
  /** Only read when this request creates the conversation. */
  settings: SettingsInput.optional(),
});

const problem = (status: number, message: string) => Response.json({ error: message }, { status });

/** Door 2: session → body → save the user's turn → the gateway core → save the reply however it ends. */
export async function POST(req: Request) {
  const user = await currentUser();
  if (!user) return problem(401, "Your session has ended. Sign in again.");
  let body: z.infer<typeof Body>;
  try {
    body = Body.parse(await req.json());
  } catch {
    return problem(400, "The chat request was malformed.");
  }
  const model = findModel(body.model);
  if (!model) return problem(400, `Unknown model ${body.model}.`);
  const text = body.message ? textOf(body.message as Parameters<typeof textOf>[0]).trim() : "";
  if (body.trigger === "submit-message" && !text) return problem(400, "The message is empty.");
  if (text.length > 200_000) return problem(413, "The message is too long (200,000 characters at most).");

  let conversation = getConversation(user.id, body.id);
  if (!conversation) {
    if (body.trigger !== "submit-message") return problem(404, "This conversation does not exist.");
    let settings: ConversationSettings = {};
    try {
      settings = checkSettings(model.id, body.settings ?? {});
    } catch (err) {
      return problem(400, (err as Error).message);
    }
    try {
      conversation = createConversation({ id: body.id, userId: user.id, title: titleFrom(text), model: model.id, settings });
    } catch {
      // The id exists but is someone else's: say no more than "not found".
      return problem(404, "This conversation does not exist.");
    }
  }

  const assistantId = randomUUID();
  const userMessage = body.message && { id: body.message.id, content: text };
  // Ids come from the browser: one that already belongs elsewhere is replaced; reusing one inside this
  // conversation is an edit of that message (startTurn).
  if (userMessage) {
    const home = conversationOfMessage(userMessage.id);
    if (home && home !== conversation.id) userMessage.id = randomUUID();
  }
  const history = startTurn({ userId: user.id, conversationId: conversation.id, model: model.id,
    user: body.trigger === "submit-message" ? userMessage : undefined, assistantId });
  if (!history) return problem(404, "There is no message to answer in this conversation.");

  let settled = false;
  const settle = (content: string, status: "complete" | "stopped" | "error", error: string | null = null) => {
    if (settled) return;
    settled = true;
    finishReply(assistantId, content, status, error);
  };
  const provider = glmProvider({ userId: user.id, apiKeyId: null, source: "chat" }, {
    onFinish: (summary, outcome) => {
      if (outcome.status === 200) settle(summary.content, "complete");
      else if (outcome.status === 499) settle(summary.content, "stopped");
      else settle(summary.content, "error", outcome.error?.message ?? "The reply failed.");
    },
  });

  const s = conversation.settings;
  const result = streamText({
    model: provider.chatModel(model.id),
    system: s.systemPrompt,
    messages: toModelMessages(history),
    temperature: s.temperature,
    topP: s.topP,
    maxOutputTokens: s.maxTokens,
    maxRetries: 0,
    abortSignal: req.signal,
    onError: () => settle("", "error", "The reply failed."),
    onAbort: () => settle("", "stopped"),
  });

  return result.toUIMessageStreamResponse({
    generateMessageId: () => assistantId,
    messageMetadata: ({ part }) => (part.type === "start" ? { model: model.id, status: "streaming" as const } : undefined),
    onError: (err) => readableError(err),
  });
}

/** Replies that failed or were cut off with nothing said are left out of what goes upstream. */
function toModelMessages(history: Message[]): ModelMessage[] {
  return history
    .filter((m) => m.content.trim())
    .map((m) => (m.role === "user" ? { role: "user", content: m.content } : { role: "assistant", content: m.content }));
}

/** The gateway's own messages are written for people; anything else stays generic. */
function readableError(err: unknown): string {
  const message = (err as { message?: string })?.message;
  const data = (err as { data?: { error?: { message?: string } } })?.data;
  return data?.error?.message ?? (typeof message === "string" && message.length < 300 ? message : "The reply failed. Please retry.");
}
