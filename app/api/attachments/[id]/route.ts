import { getDb } from "@/db";
import { deletePendingAttachment, getAttachment } from "@/db/queries/attachments";
import { attachmentRoute } from "@/lib/attachments/door";
import { contextTokens } from "@/lib/tokens";

export const dynamic = "force-dynamic";

/** What the viewer shows at most; the model gets the whole text. */
const PREVIEW_CHARS = 200_000;
const notFound = () => Response.json({ error: "This file does not exist." }, { status: 404 });

/** One of the user's attachments with its extracted text (another user's is simply not found). */
export const GET = attachmentRoute<{ id: string }>(async (_req, user, { id }) => {
  const a = await getAttachment(getDb(), { userId: user.id, id: String(id).slice(0, 64) });
  if (!a) return notFound();
  // A document's text: never kept by a shared cache or the browser's (as the exports are not).
  return Response.json(
    {
      id: a.id,
      name: a.name,
      mediaType: a.mediaType,
      size: a.size,
      pages: a.pages,
      tokens: contextTokens(a.text),
      text: a.text.slice(0, PREVIEW_CHARS),
      truncated: a.text.length > PREVIEW_CHARS,
    },
    { headers: { "cache-control": "private, no-store" } },
  );
});

/** The composer's Remove: only a pending (unsent) attachment can go; a sent one belongs to its message. */
export const DELETE = attachmentRoute<{ id: string }>(async (_req, user, { id }) =>
  (await deletePendingAttachment(getDb(), { userId: user.id, id: String(id).slice(0, 64) }))
    ? new Response(null, { status: 204 })
    : notFound(),
);
