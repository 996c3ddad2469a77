import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { getConversation } from "@/db/queries/conversations";
import { listMessagesPage } from "@/db/queries/messages";
import { Chat } from "@/components/chat/chat";
import { requireUser } from "@/lib/auth/session";
import { toUIMessage } from "@/lib/chat/types";
import { DEFAULT_MODEL_ID, findModel } from "@/lib/models";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

/** Long conversations open on their latest messages; older ones load on demand. */
const MESSAGES_PAGE = 60;

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const user = await requireUser();
  const conversation = getConversation(user.id, (await params).id);
  return { title: conversation?.title ?? "Not found" };
}

/** Someone else's conversation is simply not found: the same 404 as an id that never existed. */
export default async function ConversationPage({ params }: Props) {
  const user = await requireUser();
  const { id } = await params;
  const conversation = getConversation(user.id, id);
  const page = conversation && listMessagesPage(user.id, id, MESSAGES_PAGE);
  if (!conversation || !page) notFound();
  return (
    <Chat key={id} id={id} title={conversation.title} isNew={false} initialMessages={page.messages.map(toUIMessage)}
      hasOlder={page.hasOlder}
      initialModel={findModel(conversation.model)?.id ?? DEFAULT_MODEL_ID} initialSettings={conversation.settings} />
  );
}
