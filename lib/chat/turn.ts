import "server-only";
import { UI_MESSAGE_STREAM_HEADERS } from "ai";
import { getDb, type Db } from "@/db";
import { z } from "zod";
import { AttachmentsUnavailable } from "@/db/queries/attachments";
import { getConversation, setConversationSettings } from "@/db/queries/conversations";
import {
  conversationOfMessage,
  finishReply,
  resumeReply,
  saveReplyProgress,
  startConversation,
  startTurn,
} from "@/db/queries/messages";
import type { ConversationSettings, Message, MessageStatus, User } from "@/db/schema";
import { MAX_BYTES, MAX_FILES } from "@/lib/attachments/limits";
import { attachmentNames, attachmentTexts, unavailable } from "@/lib/chat/turn-attachments";
import { glmChatModel } from "@/lib/chat/model";
import { checkSettings, SettingsInput } from "@/lib/chat/settings";
import { turnExtras, withWebSearch } from "@/lib/chat/thinking";
import { titleFrom } from "@/lib/chat/title";
import { textOf } from "@/lib/chat/types";
import { pushUiChunks } from "@/lib/chat/ui-chunks";
import { blockedReply, REPLY_ENDED, REPLY_FAILED, readableError, toPrompt } from "@/lib/chat/turn-prompt";
import type { ChunkProducer } from "@/lib/chat/live-registry";
import { LiveReply } from "@/lib/chat/live-replies";
import { replies } from "@/lib/chat/replies";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { modelCatalogue } from "@/lib/model-catalogue";

const Id = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, "Invalid id.");
export const ChatTurnBody = z.object({
  id: Id,
  trigger: z.enum(["submit-message", "regenerate-message"]),
  message: z
    .object({
      id: Id,
      role: z.literal("user"),
      parts: z.array(z.object({ type: z.string().max(64), text: z.string().optional() })).max(100),
    })
    .optional(),
  model: z.string().max(64),
  /** Only read when this request creates the conversation. */
  settings: SettingsInput.optional(),
  /** Continue: the id of the interrupted or stopped reply to write on from. */
  continueFrom: Id.optional(),
  /** Pending attachments (POST /api/attachments) the new message takes. */
  attachments: z.array(Id).max(MAX_FILES).optional(),
  /** The composer's Web search toggle as the message was sent; kept on the conversation's settings. */
  webSearch: z.boolean().optional(),
});
export type ChatTurnBody = z.infer<typeof ChatTurnBody>;

/**
 * One chat turn: save the user's message (or take up a reply to continue), then run the reply on the server
 * as a live reply that outlives the request. The door answers with a reader of it.
 */
export async function startChatTurn(user: User, body: ChatTurnBody): Promise<LiveReply> {
  const model = (await modelCatalogue()).find(body.model);
  if (!model) throw new AppError("invalid_request_error", `Unknown model ${body.model}.`);
  const text = body.message ? textOf(body.message as Parameters<typeof textOf>[0]).trim() : "";
  const files = body.message && body.attachments?.length ? body.attachments : undefined;
  if (body.trigger === "submit-message" && !text && !files)
    throw new AppError("invalid_request_error", "The message is empty.");
  if (text.length > 200_000)
    throw new AppError("request_too_large", "The message is too long (200,000 characters at most).");
  const live = replies();
  if (body.message && (await live.stoppedBeforeStart(user.id, body.message.id))) {
    throw new AppError("conflict", "You stopped this message before it was sent.");
  }

  const db = getDb();
  const assistantId: string = body.continueFrom ?? newId();
  let conversation = await getConversation(db, { userId: user.id, id: body.id });
  const created = !conversation;
  /** Set here for a new conversation, whose first turn is written with it. */
  let turn: { history: Message[]; base: string } | undefined;
  if (!conversation) {
    if (body.trigger !== "submit-message" || !body.message || body.continueFrom)
      throw new AppError("not_found", "This conversation does not exist.");
    let settings: ConversationSettings = {};
    try {
      settings = checkSettings(model, body.settings ?? {});
      if (body.webSearch !== undefined) settings = withWebSearch(settings, body.webSearch);
    } catch (err) {
      throw new AppError("invalid_request_error", (err as Error).message);
    }
    // Ids come from the browser: one that already belongs to another conversation is replaced.
    const userMessage = { id: body.message.id, content: text, attachments: claim(files) };
    if (await conversationOfMessage(db, { messageId: userMessage.id })) userMessage.id = newId();
    try {
      const started = await startConversation(db, {
        conversation: {
          id: body.id,
          userId: user.id,
          title: titleFrom(text || (await attachmentNames(db, user.id, files))),
          model: model.id,
          settings,
        },
        user: userMessage,
        assistantId,
      });
      conversation = started.conversation;
      turn = { history: started.history, base: "" };
    } catch (err) {
      if (err instanceof AttachmentsUnavailable) throw unavailable(err);
      // The id exists but is someone else's: say no more than "not found".
      throw new AppError("not_found", "This conversation does not exist.");
    }
  }
  const conversationId = conversation.id;
  const reply = new LiveReply(assistantId, conversationId, user.id, (content, extras) =>
    saveReplyProgress(db, { id: assistantId, content, ...extras }),
  );
  // Taken before the turn's database work, so two turns racing in one conversation cannot both start. (A new
  // conversation's turn is already written, and no other reply can hold a conversation created just now.)
  if (!(await live.claim(reply))) {
    if (turn) await finishReply(db, { id: assistantId, content: "", status: "error", error: "Not started." });
    throw new AppError(
      "conflict",
      "A reply is still being written in this conversation. Wait for it or stop it first.",
    );
  }
  if (!turn) {
    try {
      turn = await prepareTurn(db, user.id, body, { conversationId, assistantId, model: model.id, text, files });
    } finally {
      if (!turn) await live.release(reply);
      reply.markSaved();
    }
  } else reply.markSaved();
  const { history, base } = turn;
  if (base) reply.continueFrom(base, history.at(-1));
  let settled = false;
  const settle = (content: string, status: MessageStatus, error: string | null = null) => {
    if (settled) return;
    settled = true;
    finishReply(db, { id: assistantId, content, status, error, ...reply.extras }).catch((err) =>
      console.error("[chat] could not save a reply's end", err),
    );
  };
  const chatModel = glmChatModel(
    model.id,
    { userId: user.id, apiKeyId: null, source: "chat" },
    {
      onFinish: (summary, outcome) => {
        const content = base + summary.content;
        // A reply the safety filter cut off is saved as the page showed it: its text, and why it ends there.
        if (outcome.status === 200 && summary.finishReason === "content_filter")
          settle(content, "error", readableError(blockedReply()));
        else if (outcome.status === 200) settle(content, "complete");
        else if (outcome.status === 499) settle(content, "stopped");
        // Saved as the reader sees it live (the upstream's own words are not theirs to read).
        else settle(content, "error", outcome.error ? readableError(outcome.error) : REPLY_FAILED);
      },
    },
    // Not the request's signal: leaving or reloading the page does not stop a reply; only Stop does.
    reply.stopper,
  );

  let s = conversation.settings;
  if (body.webSearch !== undefined && body.webSearch !== !!s.webSearch) {
    // The toggle saves itself too; a message sent at once after it must not wait for (or race) that save.
    s = withWebSearch(s, body.webSearch);
    // The reply is claimed by now: failing to remember the toggle must not leave it stuck.
    await setConversationSettings(db, { userId: user.id, id: conversationId, settings: s }).catch((err) =>
      console.error("[chat] could not save the web search setting", err),
    );
  }
  let texts: Awaited<ReturnType<typeof attachmentTexts>>;
  try {
    texts = await attachmentTexts(db, user.id, conversationId, { created, files });
  } catch (err) {
    // The reply was claimed and its placeholder written: end both before giving up.
    settle("", "error", REPLY_FAILED);
    await live.release(reply);
    throw err;
  }
  const prompt = toPrompt(s.systemPrompt, history, texts, { continuing: !!base });
  const call = {
    prompt,
    temperature: s.temperature,
    topP: s.topP,
    maxOutputTokens: s.maxTokens,
    // Zhipu's thinking switch and web_search tool, read by lib/chat/model.ts.
    providerOptions: { glm: { ...turnExtras(s, model.thinking) } },
  };
  const produce: ChunkProducer = (push) =>
    pushUiChunks(
      chatModel,
      call,
      { messageId: assistantId, modelName: model.id, readable: readableError, stopped: () => reply.stopped },
      push,
    );
  live.run(reply, produce, () => settle(reply.text, "error", REPLY_ENDED));
  return reply;
}

/**
 * The turn's database work: the user's message saved (or edited) and the reply's placeholder added, or for
 * Continue the stopped reply taken up again. Returns the history to send upstream and the text to continue.
 */
async function prepareTurn(
  db: Db,
  userId: string,
  body: ChatTurnBody,
  t: { conversationId: string; assistantId: string; model: string; text: string; files?: string[] },
): Promise<{ history: Message[]; base: string }> {
  if (body.continueFrom) {
    const history = await resumeReply(db, { userId, conversationId: t.conversationId, replyId: body.continueFrom });
    if (!history) throw new AppError("conflict", "Only the last reply can be continued.");
    return { history, base: history.at(-1)!.content };
  }
  const userMessage = body.message && { id: body.message.id, content: t.text, attachments: claim(t.files) };
  // Ids come from the browser: one that already belongs elsewhere is replaced; reusing one inside this
  // conversation is an edit of that message (startTurn).
  if (userMessage) {
    const home = await conversationOfMessage(db, { messageId: userMessage.id });
    if (home && home !== t.conversationId) userMessage.id = newId();
  }
  const history = await startTurn(db, {
    userId,
    conversationId: t.conversationId,
    model: t.model,
    user: body.trigger === "submit-message" ? userMessage : undefined,
    assistantId: t.assistantId,
  }).catch((err) => {
    throw err instanceof AttachmentsUnavailable ? unavailable(err) : err;
  });
  if (!history) throw new AppError("not_found", "There is no message to answer in this conversation.");
  return { history, base: "" };
}

/** A reader of the live reply, as the AI SDK's UI message stream. */
export function replyResponse(reply: LiveReply): Response {
  return new Response(reply.subscribe(), { headers: UI_MESSAGE_STREAM_HEADERS });
}

const claim = (ids: string[] | undefined) => (ids ? { ids, maxFiles: MAX_FILES, maxBytes: MAX_BYTES } : undefined);
