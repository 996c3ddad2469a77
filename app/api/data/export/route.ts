import { chatRoute } from "@/lib/chat/door";
import { archiveStream } from "@/lib/data/export";

export const dynamic = "force-dynamic";

/** Every conversation of the signed-in user as one JSON archive, streamed (Settings → Data). */
export const GET = chatRoute(async (_req, user) => {
  const day = new Date().toISOString().slice(0, 10);
  return new Response(archiveStream(user.id), {
    headers: {
      "content-type": "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="glm-chat-export-${day}.json"`,
      "cache-control": "private, no-store",
    },
  });
});
