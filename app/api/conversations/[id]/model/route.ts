import { z } from "zod";
import { getDb } from "@/db";
import { conversationIdInUse, getConversation, setConversationModel } from "@/db/queries/conversations";
import { chatRoute, readChatBody } from "@/lib/chat/door";
import { AppError } from "@/lib/errors";
import { modelCatalogue } from "@/lib/model-catalogue";

export const dynamic = "force-dynamic";

const ModelBody = z.object({ model: z.string().max(64) });

/**
 * The picker's choice for a conversation (and the account's next new chat). A route, not a server action, so
 * the browser can send it with `keepalive`: a switch followed at once by a reload or a closed tab is kept.
 */
export const PUT = chatRoute<{ id: string }>(async (req, user, { id }) => {
  const { model } = await readChatBody(req, ModelBody);
  const found = (await modelCatalogue()).find(model);
  if (!found)
    throw new AppError("invalid_request_error", `Unknown model ${model}.`, {
      i18n: { key: "unknownModel", values: { model } },
    });
  // A conversation not yet saved has nothing to update (its first message carries the model); an id that is
  // someone else's conversation is not found, as every other door answers it.
  const db = getDb();
  const mine = await getConversation(db, { userId: user.id, id });
  if (
    mine
      ? !(await setConversationModel(db, { userId: user.id, id, model: found.id }))
      : await conversationIdInUse(db, { id })
  )
    throw new AppError("not_found", "This conversation does not exist.");
  return Response.json({ model: found.id });
});
