import "server-only";
import { randomUUID } from "node:crypto";
import { getDb } from "@/db";
import { framesSince, pgClient, renewHeartbeats, replyClaim, type ReplyClaim } from "@/db/queries/live-replies";
import { localReply } from "@/lib/chat/live-registry";
import { type Follower, logged, noticeReplyId, readNotice, remoteReader } from "@/lib/chat/shared-frames";

/**
 * This instance's side of the live replies shared through PostgreSQL (lib/chat/shared-replies.ts): its id in
 * the claims it holds, its one listening connection (stops for the replies it runs, frames for the replies
 * its readers follow from other instances), the heartbeat timer, and the reader of another instance's reply.
 */

/** How often an instance renews the heartbeats of the replies it runs. */
export const HEARTBEAT_MS = 5_000;
/** A claim not renewed for this long belongs to an instance that died: it can be taken over. */
export const STALE_MS = 15_000;

export const FRAMES_CHANNEL = "glm_reply_frames";
export const STOP_CHANNEL = "glm_reply_stop";

interface InstanceState {
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
const holder = globalThis as unknown as { __glmSharedReplies?: InstanceState };
export const instance: InstanceState = (holder.__glmSharedReplies ??= {
  instanceId: randomUUID(),
  followers: new Map(),
  running: 0,
});

/** The pool's postgres.js client: the queries, LISTEN and NOTIFY. */
export const pg = () => pgClient(getDb());

/** Listening for stops, and the heartbeat timer: before this instance claims anything. */
export function startSharedReplies(): Promise<void> {
  return (instance.started ??= (async () => {
    const sql = pg();
    await sql.listen(STOP_CHANNEL, onStop);
    const timer = setInterval(() => {
      if (instance.running > 0) {
        renewHeartbeats(sql, { instanceId: instance.instanceId }).catch(logged("renew the heartbeat of its replies"));
      }
    }, HEARTBEAT_MS);
    timer.unref();
  })().catch((err) => {
    instance.started = undefined;
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
  return (instance.following ??= pg()
    .listen(FRAMES_CHANNEL, onFrames)
    .then(
      () => undefined,
      (err) => {
        instance.following = undefined;
        throw err;
      },
    ));
}

/** Parsed only when someone on this instance reads that reply. */
function onFrames(notice: string) {
  const followers = instance.followers.get(noticeReplyId(notice));
  if (!followers) return;
  const { n, batch } = readNotice(notice);
  for (const f of followers) f(n, batch);
}

/** The conversation's claim, if it is this user's. */
export const claimOf = (userId: string, conversationId: string) => replyClaim(pg(), { userId, conversationId });

export const isRunning = (row: ReplyClaim) => row.endedAt === null && row.heartbeatAt > row.now - STALE_MS;

/** A reader of a reply another instance runs, fed by this instance's listening connection and the table. */
export function remoteReply(userId: string, conversationId: string, messageId: string): ReadableStream<Uint8Array> {
  return remoteReader({
    async follow(follower) {
      await follow();
      let set = instance.followers.get(messageId);
      if (!set) instance.followers.set(messageId, (set = new Set()));
      set.add(follower);
      return () => {
        const current = instance.followers.get(messageId);
        current?.delete(follower);
        if (current && !current.size) instance.followers.delete(messageId);
      };
    },
    rows: (from) => framesSince(pg(), { userId, messageId, from }),
    async abandoned() {
      const claim = await claimOf(userId, conversationId);
      return !claim || claim.messageId !== messageId || (claim.endedAt === null && !isRunning(claim));
    },
  });
}
