import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { notFound } from "next/navigation";
import { getDb } from "@/db";
import { getConversation } from "@/db/queries/conversations";
import { listMessagesPage } from "@/db/queries/messages";
import { Chat } from "@/components/chat/chat";
import { requireUser } from "@/lib/auth/session";
import { toUIMessagesWithFiles } from "@/lib/attachments/page";
import { replies } from "@/lib/chat/replies";
import type { ChatUIMessage } from "@/lib/chat/types";
import { readerError } from "@/lib/i18n/errors";
import { modelCatalogue } from "@/lib/model-catalogue";
import { DEFAULT_MODEL_ID } from "@/lib/models";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

/** Long conversations open on their latest messages; older ones load on demand. */
const MESSAGES_PAGE = 60;

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const user = await requireUser();
  const conversation = await getConversation(getDb(), { userId: user.id, id: (await params).id });
  return { title: conversation?.title ?? (await getTranslations("meta"))("notFound") };
}

/** A saved reply's error, in the reader's language when it is one of the app's own sentences. */
async function readable(message: ChatUIMessage): Promise<ChatUIMessage> {
  const error = message.metadata?.error;
  return error ? { ...message, metadata: { ...message.metadata, error: await readerError(error) } } : message;
}

/** Someone else's conversation is simply not found: the same 404 as an id that never existed. */
export default async function ConversationPage({ params }: Props) {
  const user = await requireUser();
  const { id } = await params;
  const db = getDb();
  const conversation = await getConversation(db, { userId: user.id, id });
  // A reload just after sending: the reply it resumes is listed with its question.
  if (conversation) await replies().turnSaved(user.id, id);
  const page =
    conversation && (await listMessagesPage(db, { userId: user.id, conversationId: id, limit: MESSAGES_PAGE }));
  if (!conversation || !page) notFound();
  // A conversation on a model since disabled goes on with the account's usual one; its replies keep their names.
  const models = await modelCatalogue();
  const saved = models.find(conversation.model);
  const model = saved ?? models.startingModel(user.lastModel);
  return (
    <Chat
      key={id}
      id={id}
      title={conversation.title}
      isNew={false}
      initialMessages={await Promise.all((await toUIMessagesWithFiles(db, user.id, page.messages)).map(readable))}
      hasOlder={page.hasOlder}
      initialModel={model?.id ?? DEFAULT_MODEL_ID}
      retiredModel={saved ? undefined : conversation.model}
      initialSettings={conversation.settings}
      models={models.enabled}
    />
  );
}
