import "server-only";
import type { UIMessageChunk } from "ai";
import { atExit } from "@/db/engines/sqlite-exit";
import type { LiveReply } from "@/lib/chat/live-replies";
import { REPLY_FAILED } from "@/lib/chat/turn-prompt";
import { replyErrorText } from "@/lib/chat/ui-chunks";

/**
 * The live replies of this process, one per conversation (lib/chat/live-replies.ts), and the loop that runs
 * each to its end. lib/chat/replies.ts puts it behind one interface with the shared (PostgreSQL) registry.
 */

/** A finished reply stays replayable a little while, for a tab whose page was rendered just before the end. */
export const KEEP_AFTER_END_MS = 30_000;

const holder = globalThis as unknown as { __glmLiveReplies?: Map<string, LiveReply> };
/** One reply at a time per conversation, by conversation id. */
const live = (holder.__glmLiveReplies ??= new Map());

/**
 * A process stopped while replies stream (a second Ctrl-C) saves each one's text so far as it exits, rather than
 * losing what arrived since its last save (up to SAVE_EVERY_MS): the interrupted reply keeps all its reader saw.
 * On SQLite the save is a statement run in this step and committed in the next; on PostgreSQL it is a round trip
 * an exiting process cannot wait for, and the last periodic save stands.
 */
atExit("write", () => {
  for (const reply of live.values()) if (!reply.done) reply.flush();
});

/** The conversation's reply on this instance, whoever's it is (for a Stop that names it by id). */
export function localReply(conversationId: string): LiveReply | undefined {
  return live.get(conversationId);
}

/** The conversation's reply that is streaming (or ended moments ago), if it is this user's. */
export function liveReplyOf(userId: string, conversationId: string): LiveReply | undefined {
  const reply = live.get(conversationId);
  return reply?.userId === userId ? reply : undefined;
}

/**
 * Takes the conversation's one reply slot for `reply`, or returns false when a reply is still streaming there.
 * Taken before the turn's database work, so two turns racing in one conversation cannot both start.
 */
export function claimLiveReply(reply: LiveReply): boolean {
  if (live.get(reply.conversationId)?.done === false) return false;
  live.set(reply.conversationId, reply);
  return true;
}

/** Gives the slot back when the turn could not start after all. */
export function releaseLiveReply(reply: LiveReply) {
  if (live.get(reply.conversationId) === reply) live.delete(reply.conversationId);
}

/** The longest a page waits for a reply's turn to be written (normally a few ms). */
export const TURN_SAVE_WAIT_MS = 3000;

/** A reply's `saved`, or nothing after TURN_SAVE_WAIT_MS (a page never hangs on it). */
export function waitAtMost(p: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<void>((resolve) => (timer = setTimeout(resolve, TURN_SAVE_WAIT_MS)))]).finally(
    () => clearTimeout(timer),
  );
}

/** Pushes a reply's UI chunks as they are made; settles at the end (rejects when stopped or broken). */
export type ChunkProducer = (push: (chunk: UIMessageChunk) => void) => Promise<void>;

/** Runs the reply's UI stream to its end on the server, whether or not anyone is watching. */
export function runLiveReply(reply: LiveReply, produce: ChunkProducer, onEnd: () => void) {
  void (async () => {
    try {
      await produce((chunk) => reply.push(chunk));
    } catch (err) {
      // Stop aborts the model call, whose stream then fails instead of ending: readers still get a clean
      // end, with the reply's final state.
      if (reply.stopped) {
        reply.push({ type: "abort" });
        reply.push({ type: "message-metadata", messageMetadata: { status: "stopped" } });
      } else {
        console.error("[chat] a reply stream failed", err);
        reply.push({ type: "error", errorText: replyErrorText(REPLY_FAILED) });
        reply.push({ type: "message-metadata", messageMetadata: { status: "error", error: REPLY_FAILED } });
      }
    } finally {
      await reply.end();
      onEnd();
      setTimeout(() => {
        if (live.get(reply.conversationId) === reply) live.delete(reply.conversationId);
      }, KEEP_AFTER_END_MS).unref();
    }
  })();
}
