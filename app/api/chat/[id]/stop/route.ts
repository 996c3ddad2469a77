import { z } from "zod";
import { chatRoute, readChatBody } from "@/lib/chat/door";
import { replies } from "@/lib/chat/replies";

export const dynamic = "force-dynamic";

const StopBody = z.object({
  messageId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{8,64}$/)
    .optional(),
});

/** Stop, from any tab (on PostgreSQL, whichever instance runs the reply): ends the conversation's live reply (saved as stopped). */
export const POST = chatRoute<{ id: string }>(async (req, user, { id }) => {
  const { messageId } = await readChatBody(req, StopBody);
  return Response.json({ status: await replies().stop(user.id, id, messageId) });
});
