"use server";

import { z } from "zod";
import { getDb } from "@/db";
import {
  conversationIdInUse,
  deleteConversation,
  getConversation,
  listConversations,
  renameConversation,
  searchConversations,
  setConversationSettings,
} from "@/db/queries/conversations";
import { listMessagesPage } from "@/db/queries/messages";
import { userAction } from "@/lib/actions";
import { AppError } from "@/lib/errors";
import { toUIMessagesWithFiles } from "@/lib/attachments/page";
import { SettingsInput, validateSettings } from "@/lib/chat/settings";
import { withWebSearch } from "@/lib/chat/thinking";
import { localizeSettingsErrors } from "@/lib/i18n/errors";
import { modelCatalogue } from "@/lib/model-catalogue";

const Id = z.string().min(1).max(64);
const PAGE = 50;
const notFound = () => new AppError("not_found", "This conversation does not exist.");

export const listConversationsAction = userAction(
  z.object({ cursor: z.string().max(64).nullish() }),
  ({ cursor }, user) => listConversations(getDb(), { userId: user.id, limit: PAGE, cursor }),
);

export const searchConversationsAction = userAction(z.object({ query: z.string().max(200) }), ({ query }, user) =>
  searchConversations(getDb(), { userId: user.id, query, limit: PAGE }),
);

export const renameConversationAction = userAction(
  z.object({
    id: Id,
    title: z.string().trim().min(1, "A title cannot be empty.").max(120, "Keep titles under 120 characters."),
  }),
  async ({ id, title }, user) => {
    if (!(await renameConversation(getDb(), { userId: user.id, id, title }))) throw notFound();
    return { title };
  },
);

export const deleteConversationAction = userAction(z.object({ id: Id }), async ({ id }, user) => {
  if (!(await deleteConversation(getDb(), { userId: user.id, id }))) throw notFound();
  return { id };
});

/** A refused value is not a failed action: the dialog gets one message per field and keeps what was typed. */
export const saveSettingsAction = userAction(
  z.object({ id: Id, model: z.string(), settings: SettingsInput }),
  async ({ id, model, settings }, user) => {
    const check = validateSettings((await modelCatalogue()).find(model), settings);
    if (!check.ok) return { ok: false as const, errors: await localizeSettingsErrors(check.errors) };
    // Not saved yet: the first message carries the settings. Someone else's conversation: not found.
    const db = getDb();
    const mine = await getConversation(db, { userId: user.id, id });
    if (
      mine
        ? !(await setConversationSettings(db, { userId: user.id, id, settings: check.settings }))
        : await conversationIdInUse(db, { id })
    )
      throw notFound();
    return check;
  },
);

/** The composer's Web search toggle, kept on the conversation (the next message carries it too). */
export const saveWebSearchAction = userAction(z.object({ id: Id, on: z.boolean() }), async ({ id, on }, user) => {
  const db = getDb();
  const conversation = await getConversation(db, { userId: user.id, id });
  if (!conversation) throw notFound();
  await setConversationSettings(db, { userId: user.id, id, settings: withWebSearch(conversation.settings, on) });
  return { on };
});

export const olderMessagesAction = userAction(
  z.object({ id: Id, beforeId: z.string().min(1).max(64) }),
  async ({ id, beforeId }, user) => {
    const page = await listMessagesPage(getDb(), { userId: user.id, conversationId: id, limit: 100, beforeId });
    if (!page) throw notFound();
    return { messages: await toUIMessagesWithFiles(getDb(), user.id, page.messages), hasOlder: page.hasOlder };
  },
);
