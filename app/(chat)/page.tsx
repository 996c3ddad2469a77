import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { Chat } from "@/components/chat/chat";
import { requireUser } from "@/lib/auth/session";
import { newId } from "@/lib/ids";
import { modelCatalogue } from "@/lib/model-catalogue";
import { DEFAULT_MODEL_ID } from "@/lib/models";

export const dynamic = "force-dynamic";
export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("meta"))("newChat") };
}

/** A new conversation: nothing is saved until the first message; it starts on the user's last model. */
export default async function NewChatPage() {
  const user = await requireUser();
  const id = newId();
  const models = await modelCatalogue();
  const model = models.startingModel(user.lastModel)?.id ?? DEFAULT_MODEL_ID;
  return (
    <Chat
      key={id}
      id={id}
      isNew
      initialMessages={[]}
      initialModel={model}
      initialSettings={{}}
      models={models.enabled}
    />
  );
}
