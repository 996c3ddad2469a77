import { chatRoute } from "@/lib/chat/door";
import { liveReplyOf } from "@/lib/chat/live-replies";
import { replyResponse } from "@/lib/chat/turn";

export const dynamic = "force-dynamic";

/**
 * Resume (the AI SDK's `useChat` reconnect URL): the conversation's live reply from its first frame, then
 * live to its end; 204 when none is running. Someone else's conversation has none.
 */
export const GET = chatRoute<{ id: string }>((_req, user, { id }) => {
  const reply = liveReplyOf(user.id, id);
  return reply ? replyResponse(reply) : new Response(null, { status: 204 });
});
