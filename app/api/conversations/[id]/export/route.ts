import { z } from "zod";
import { getDb } from "@/db";
import { exportConversation } from "@/db/queries/data-export";
import { chatRoute } from "@/lib/chat/door";
import { attachmentDisposition, conversationMarkdown, singleArchive } from "@/lib/data/archive";
import { markdownLabels } from "@/lib/data/labels";
import { AppError } from "@/lib/errors";

export const dynamic = "force-dynamic";

const Format = z.enum(["md", "json"]);

/**
 * One conversation as a download (the header's Export menu): ?format=md or json. Another user's conversation,
 * or an id that does not exist, is the same 404.
 */
export const GET = chatRoute<{ id: string }>(async (req, user, { id }) => {
  const format = Format.safeParse(new URL(req.url).searchParams.get("format") ?? "json");
  if (!format.success) throw new AppError("invalid_request_error", "Choose format=md or format=json.");
  const found = await exportConversation(getDb(), { userId: user.id, id });
  if (!found) throw new AppError("not_found", "That conversation does not exist.");
  const { conversation, messages } = found;
  const body =
    format.data === "md"
      ? conversationMarkdown(conversation, messages, markdownLabels(req, user))
      : singleArchive(conversation, messages);
  return new Response(body, {
    headers: {
      "content-type": format.data === "md" ? "text/markdown; charset=utf-8" : "application/json; charset=utf-8",
      "content-disposition": attachmentDisposition(conversation.title, format.data),
      "cache-control": "private, no-store",
    },
  });
});
