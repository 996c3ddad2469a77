import { UI_MESSAGE_STREAM_HEADERS } from "ai";
import { chatRoute } from "@/lib/chat/door";
import { replies } from "@/lib/chat/replies";

export const dynamic = "force-dynamic";

/**
 * Resume (the AI SDK's `useChat` reconnect URL): the conversation's live reply from its first frame, then
 * live to its end; 204 when none is running. Someone else's conversation has none. On PostgreSQL the reply
 * may be running on another instance (lib/chat/shared-replies.ts).
 */
export const GET = chatRoute<{ id: string }>(async (_req, user, { id }) => {
  const body = await replies().read(user.id, id);
  return body ? new Response(body, { headers: UI_MESSAGE_STREAM_HEADERS }) : new Response(null, { status: 204 });
});
