import "server-only";
import type { UIMessageChunk } from "ai";
import { getDb } from "@/db";
import { conversationOfMessage } from "@/db/queries/messages";
import {
  claimReply,
  forgetReply,
  markReplyEnded,
  notify,
  publishFrames,
  recordEarlyStop,
  releaseClaim,
  stoppedEarly,
} from "@/db/queries/live-replies";
import {
  claimLiveReply,
  KEEP_AFTER_END_MS,
  liveReplyOf,
  releaseLiveReply,
  runLiveReply,
  TURN_SAVE_WAIT_MS,
  waitAtMost,
} from "@/lib/chat/live-registry";
import type { LiveReply, ReplyTap } from "@/lib/chat/live-replies";
import type { Replies } from "@/lib/chat/replies";
import { STOPPED_BEFORE_START_MS } from "@/lib/chat/stop";
import { FrameWriter, logged } from "@/lib/chat/shared-frames";
import {
  claimOf,
  FRAMES_CHANNEL,
  isRunning,
  pg,
  remoteReply,
  STALE_MS,
  STOP_CHANNEL,
  startSharedReplies,
  instance,
} from "@/lib/chat/shared-instance";

/**
 * Live replies shared by the instances of one PostgreSQL database (lib/chat/replies.ts picks this on PG).
 *
 * - The instance that runs a reply keeps it in its in-memory registry (readers on that instance follow it in
 *   memory, exactly as on SQLite) and claims the conversation's row in `live_replies` atomically: an insert
 *   that only overwrites a row whose reply ended or whose heartbeat is older than STALE_MS (an instance that
 *   died). One timer per instance renews the heartbeats of all its running replies every HEARTBEAT_MS.
 * - Its frames are published in batches as rows of `reply_frames`, each insert also sending a NOTIFY on
 *   FRAMES_CHANNEL in the same statement; a reader on another instance replays the rows and follows the
 *   notifications to the end row (lib/chat/shared-frames.ts). Each instance has ONE listening connection
 *   (postgres.js multiplexes its listens on one connection), fanned out here to readers by message id.
 * - Stop anywhere: the instance that runs the reply stops it itself; any other NOTIFYs STOP_CHANNEL and the
 *   owner aborts; every reader then gets the clean end (status "stopped") through the frames. A stop before
 *   its message exists is kept in `early_stops` (2 minutes).
 * - After the end, the claim (marked ended, so the slot is free at once) and the frames stay KEEP_AFTER_END_MS
 *   for late readers, then the owner deletes them; lib/chat/reply-sweeper.ts cleans up after dead instances.
 * The SQL is in db/queries/live-replies.ts; this module is the wiring of claims and frames, and
 * lib/chat/shared-instance.ts this instance's channels and timers.
 */

/**
 * The owner's side of one reply: its frames written (lib/chat/shared-frames.ts), the claim marked ended after
 * the last batch, claim and frames deleted KEEP_AFTER_END_MS later.
 */
class Publisher implements ReplyTap {
  private readonly frames: FrameWriter;
  private ended = false;

  constructor(
    private readonly reply: LiveReply,
    readonly startedAt: number,
  ) {
    const messageId = reply.replyId;
    this.frames = new FrameWriter(messageId, (row) =>
      publishFrames(pg(), { messageId, ...row, channel: FRAMES_CHANNEL }),
    );
  }

  chunks(added: UIMessageChunk[]) {
    this.frames.add(added);
  }

  end(): Promise<void> | undefined {
    if (this.ended) return;
    this.ended = true;
    this.frames.end();
    instance.running--;
    const marked = new Promise<void>((resolve) =>
      this.frames.afterWrites(() => markReplyEnded(pg(), this.claimKey()).finally(resolve), "mark a reply ended"),
    );
    // The claim and the frames, once late readers have had their chance (unless the slot was taken since).
    setTimeout(() => {
      forgetReply(pg(), this.claimKey()).catch(logged("delete an ended reply's frames"));
    }, KEEP_AFTER_END_MS).unref();
    return marked;
  }

  claimKey() {
    const { userId, conversationId, replyId } = this.reply;
    return { userId, conversationId, messageId: replyId, startedAt: this.startedAt };
  }
}

export const sharedReplies: Replies = {
  async claim(reply) {
    await startSharedReplies();
    if (!claimLiveReply(reply)) return false;
    try {
      // A continued reply keeps its message id: winning also deletes the frames of its previous run.
      const startedAt = await claimReply(pg(), {
        userId: reply.userId,
        conversationId: reply.conversationId,
        messageId: reply.replyId,
        instanceId: instance.instanceId,
        staleMs: STALE_MS,
      });
      if (startedAt === undefined) {
        releaseLiveReply(reply);
        return false;
      }
      reply.tap = new Publisher(reply, startedAt);
      instance.running++;
      return true;
    } catch (err) {
      releaseLiveReply(reply);
      throw err;
    }
  },

  async release(reply) {
    releaseLiveReply(reply);
    // Not instanceof: each route bundle may load its own copy of this module.
    const tap = reply.tap as Publisher | undefined;
    if (!tap) return;
    reply.tap = undefined;
    instance.running--;
    await releaseClaim(pg(), tap.claimKey()).catch(logged("give a claim back"));
  },

  run: runLiveReply,

  async turnSaved(userId, conversationId) {
    const local = liveReplyOf(userId, conversationId);
    if (local && !local.done) return waitAtMost(local.saved);
    const claim = await claimOf(userId, conversationId);
    if (!claim || !isRunning(claim) || claim.instanceId === instance.instanceId) return;
    // Another instance runs it: its turn is written once the reply's own row exists.
    const until = Date.now() + TURN_SAVE_WAIT_MS;
    while ((await conversationOfMessage(getDb(), { messageId: claim.messageId })) !== conversationId) {
      if (Date.now() > until) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  },

  async read(userId, conversationId) {
    const local = liveReplyOf(userId, conversationId);
    if (local && !local.done) return local.subscribe();
    const claim = await claimOf(userId, conversationId);
    if (!claim) return local?.subscribe();
    if (claim.endedAt === null ? !isRunning(claim) : claim.endedAt < claim.now - KEEP_AFTER_END_MS) return undefined;
    if (local && local.replyId === claim.messageId && claim.instanceId === instance.instanceId)
      return local.subscribe();
    if (claim.instanceId === instance.instanceId) return undefined;
    return remoteReply(userId, conversationId, claim.messageId);
  },

  async stop(userId, conversationId, messageId) {
    const local = liveReplyOf(userId, conversationId);
    if (local && !local.done) {
      local.stop();
      return "stopped";
    }
    const claim = await claimOf(userId, conversationId);
    if (claim && isRunning(claim) && claim.instanceId !== instance.instanceId) {
      await notify(pg(), { channel: STOP_CHANNEL, payload: `${conversationId}\n${claim.messageId}` });
      return "stopped";
    }
    if (messageId) await recordEarlyStop(pg(), { userId, messageId, keepMs: STOPPED_BEFORE_START_MS });
    return "not-running";
  },

  stoppedBeforeStart: (userId, messageId) => stoppedEarly(pg(), { userId, messageId, keepMs: STOPPED_BEFORE_START_MS }),
};
