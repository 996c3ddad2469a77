import "server-only";
import { usingPostgres } from "@/db/url";
import {
  type ChunkProducer,
  claimLiveReply,
  liveReplyOf,
  releaseLiveReply,
  runLiveReply,
  waitAtMost,
} from "@/lib/chat/live-registry";
import type { LiveReply } from "@/lib/chat/live-replies";
import { sharedReplies } from "@/lib/chat/shared-replies";
import { stopReply, wasStoppedBeforeStart } from "@/lib/chat/stop";

/**
 * Live replies and Stop as lib/chat sees them, one interface for both engines:
 * - SQLite (one process): the in-memory registry of lib/chat/live-replies.ts and lib/chat/stop.ts, as before;
 * - PostgreSQL (several instances behind one address): lib/chat/shared-replies.ts, which keeps that registry for
 *   readers on the instance that runs a reply and shares the rest through the database (claims, frames, Stop).
 */
export interface Replies {
  /** Takes the conversation's one reply slot for `reply`; false when a reply is still streaming there. */
  claim(reply: LiveReply): Promise<boolean>;
  /** Gives the slot back when the turn could not start after all. */
  release(reply: LiveReply): Promise<void>;
  /** Runs the reply to its end on this instance, whoever watches: `produce` pushes its UI chunks. */
  run(reply: LiveReply, produce: ChunkProducer, onEnd: () => void): void;
  /**
   * Settles once the turn of the conversation's live reply (if any, and this user's) is in the database, so
   * that a page listing the conversation's messages shows the question of the reply it resumes. Waits at
   * most TURN_SAVE_WAIT_MS.
   */
  turnSaved(userId: string, conversationId: string): Promise<void>;
  /** A reader of the conversation's live reply (from its first frame, then live), if there is one and it is this user's. */
  read(userId: string, conversationId: string): Promise<ReadableStream<Uint8Array> | undefined>;
  /** Stop from any tab (or instance); remembers a stop that came before its message. */
  stop(userId: string, conversationId: string, messageId?: string): Promise<"stopped" | "not-running">;
  /** True when the user pressed Stop for this message before it reached the server (within 2 minutes). */
  stoppedBeforeStart(userId: string, messageId: string): Promise<boolean>;
}

/** The single-process registry (the SQLite default). */
export const localReplies: Replies = {
  claim: async (reply) => claimLiveReply(reply),
  release: async (reply) => releaseLiveReply(reply),
  run: runLiveReply,
  turnSaved: async (userId, conversationId) => {
    const reply = liveReplyOf(userId, conversationId);
    if (reply && !reply.done) await waitAtMost(reply.saved);
  },
  read: async (userId, conversationId) => liveReplyOf(userId, conversationId)?.subscribe(),
  stop: async (userId, conversationId, messageId) => stopReply(userId, conversationId, messageId),
  stoppedBeforeStart: async (userId, messageId) => wasStoppedBeforeStart(userId, messageId),
};

/** This process's way, chosen by DATABASE_URL. */
export const replies = (): Replies => (usingPostgres() ? sharedReplies : localReplies);
