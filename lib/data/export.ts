import "server-only";
import { getDb } from "@/db";
import { exportPage } from "@/db/queries/data-export";
import { ARCHIVE_TAIL, archiveHead, toArchiveConversation } from "./archive";

/** Conversations read per step: a page of long conversations is still a few MB at most. */
const PAGE = 20;

/**
 * The whole account as one JSON archive, written as it is read: a page of conversations at a time, and the
 * next page only when the client has taken the last one (pull), so a large account never sits in memory.
 */
export function archiveStream(userId: string, exportedAt = Date.now()): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let afterSeq = 0;
  let first = true;
  let done = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (done) return;
        if (first) controller.enqueue(encoder.encode(archiveHead(exportedAt)));
        const { items, lastSeq } = await exportPage(getDb(), { userId, afterSeq, limit: PAGE });
        let text = "";
        for (const { conversation, messages } of items) {
          text += `${first ? "\n" : ",\n"}${JSON.stringify(toArchiveConversation(conversation, messages))}`;
          first = false;
        }
        first = false;
        if (text) controller.enqueue(encoder.encode(text));
        if (lastSeq === null || items.length < PAGE) {
          controller.enqueue(encoder.encode(`\n${ARCHIVE_TAIL}`));
          controller.close();
          done = true;
        } else afterSeq = lastSeq;
      },
    },
    { highWaterMark: 1 },
  );
}
