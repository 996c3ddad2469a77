import "server-only";
import type { UIMessageChunk } from "ai";
import { randomUUID } from "node:crypto";
import { getDb } from "@/db";
import { conversationOfMessage } from "@/db/queries/messages";
import {
  claimReply,
  forgetReply,
  framesSince,
  markReplyEnded,
  notify,
  pgClient,
  publishFrames,
  recordEarlyStop,
  releaseClaim,
  renewHeartbeats,
  replyClaim,
  stoppedEarly,
  type ReplyClaim,
} from "@/db/queries/live-replies";
import {
  claimLiveReply,
  liveReplyOf,
  localReply,
  releaseLiveReply,
  runLiveReply,
  TURN_SAVE_WAIT_MS,
  waitAtMost,
} from "@/lib/chat/live-registry";
import type { LiveReply, ReplyTap } from "@/lib/chat/live-replies";
import type { Replies } from "@/lib/chat/replies";
import { type Follower, FrameWriter, logged, noticeReplyId, readNotice, remoteReader } from "@/lib/chat/shared-frames";

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
 * The SQL is in db/queries/live-replies.ts; this module is the wiring: claims, channels, timers.
 */

/** How often an instance renews the heartbeats of the replies it runs. */
export const HEARTBEAT_MS = 5_000;
/** A claim not renewed for this long belongs to an instance that died: it can be taken over. */
export const STALE_MS = 15_000;
/** As in live-replies.ts: an ended reply stays replayable a little while. */
export const KEEP_AFTER_END_MS = 30_000;
/** As in stop.ts. */
export const STOPPED_BEFORE_START_MS = 120_000;

const FRAMES_CHANNEL = "glm_reply_frames";
const STOP_CHANNEL = "glm_reply_stop";

interface State {
  /** This process, as written in the claims it holds. */
  instanceId: string;
  /** Listening for stops and renewing heartbeats; started by the first claim (or start-up). */
  started?: Promise<void>;
  /** Listening for frames; started by the first reader of another instance's reply. */
  following?: Promise<void>;
  followers: Map<string, Set<Follower>>;
  /** Replies this instance runs (claimed, not ended): whether the heartbeat has anything to renew. */
  running: number;
}
// On globalThis: instrumentation.ts and the route bundles load their own copies of this module.
const holder = globalThis as unknown as { __glmSharedReplies?: State };
const state: State = (holder.__glmSharedReplies ??= { instanceId: randomUUID(), followers: new Map(), running: 0 });

/** The pool's postgres.js client: the queries, LISTEN and NOTIFY. */
const pg = () => pgClient(getDb());

/** Listening for stops, and the heartbeat timer: before this instance claims anything. */
export function startSharedReplies(): Promise<void> {
  return (state.started ??= (async () => {
    const sql = pg();
    await sql.listen(STOP_CHANNEL, onStop);
    const timer = setInterval(() => {
      if (state.running > 0) {
        renewHeartbeats(sql, { instanceId: state.instanceId }).catch(logged("renew the heartbeat of its replies"));
      }
    }, HEARTBEAT_MS);
    timer.unref();
  })().catch((err) => {
    state.started = undefined;
    throw err;
  }));
}

function onStop(payload: string) {
  const [conversationId, messageId] = payload.split("\n");
  const reply = localReply(conversationId);
  if (reply && reply.replyId === messageId && !reply.done) reply.stop();
}

/** One listening connection per instance for every reply read here, fanned out to readers by message id. */
function follow(): Promise<void> {
  return (state.following ??= pg()
    .listen(FRAMES_CHANNEL, onFrames)
    .then(
      () => undefined,
      (err) => {
        state.following = undefined;
        throw err;
      },
    ));
}

/** Parsed only when someone on this instance reads that reply. */
function onFrames(notice: string) {
  const followers = state.followers.get(noticeReplyId(notice));
  if (!followers) return;
  const { n, batch } = readNotice(notice);
  for (const f of followers) f(n, batch);
}

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
    state.running--;
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

/** The conversation's claim, if it is this user's. */
const claimOf = (userId: string, conversationId: string) => replyClaim(pg(), { userId, conversationId });

const isRunning = (row: ReplyClaim) => row.endedAt === null && row.heartbeatAt > row.now - STALE_MS;

/** A reader of a reply another instance runs, fed by this instance's listening connection and the table. */
function remoteReply(userId: string, conversationId: string, messageId: string): ReadableStream<Uint8Array> {
  return remoteReader({
    async follow(follower) {
      await follow();
      let set = state.followers.get(messageId);
      if (!set) state.followers.set(messageId, (set = new Set()));
      set.add(follower);
      return () => {
        const current = state.followers.get(messageId);
        current?.delete(follower);
        if (current && !current.size) state.followers.delete(messageId);
      };
    },
    rows: (from) => framesSince(pg(), { userId, messageId, from }),
    async abandoned() {
      const claim = await claimOf(userId, conversationId);
      return !claim || claim.messageId !== messageId || (claim.endedAt === null && !isRunning(claim));
    },
  });
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
        instanceId: state.instanceId,
        staleMs: STALE_MS,
      });
      if (startedAt === undefined) {
        releaseLiveReply(reply);
        return false;
      }
      reply.tap = new Publisher(reply, startedAt);
      state.running++;
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
    state.running--;
    await releaseClaim(pg(), tap.claimKey()).catch(logged("give a claim back"));
  },

  run: runLiveReply,

  async turnSaved(userId, conversationId) {
    const local = liveReplyOf(userId, conversationId);
    if (local && !local.done) return waitAtMost(local.saved);
    const claim = await claimOf(userId, conversationId);
    if (!claim || !isRunning(claim) || claim.instanceId === state.instanceId) return;
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
    if (local && local.replyId === claim.messageId && claim.instanceId === state.instanceId) return local.subscribe();
    if (claim.instanceId === state.instanceId) return undefined;
    return remoteReply(userId, conversationId, claim.messageId);
  },

  async stop(userId, conversationId, messageId) {
    const local = liveReplyOf(userId, conversationId);
    if (local && !local.done) {
      local.stop();
      return "stopped";
    }
    const claim = await claimOf(userId, conversationId);
    if (claim && isRunning(claim) && claim.instanceId !== state.instanceId) {
      await notify(pg(), { channel: STOP_CHANNEL, payload: `${conversationId}\n${claim.messageId}` });
      return "stopped";
    }
    if (messageId) await recordEarlyStop(pg(), { userId, messageId, keepMs: STOPPED_BEFORE_START_MS });
    return "not-running";
  },

  stoppedBeforeStart: (userId, messageId) => stoppedEarly(pg(), { userId, messageId, keepMs: STOPPED_BEFORE_START_MS }),
};
