import type { UIMessageChunk } from "ai";
import { randomUUID } from "node:crypto";
import type postgres from "postgres";
import { getDb } from "@/db";
import {
  claimLiveReply,
  compact,
  encodeFrames,
  liveReplyOf,
  localReply,
  releaseLiveReply,
  runLiveReply,
  type LiveReply,
  type ReplyTap,
} from "@/lib/chat/live-replies";
import type { Replies } from "@/lib/chat/replies";

/**
 * Live replies shared by the instances of one PostgreSQL database (lib/chat/replies.ts picks this on PG).
 *
 * - The instance that runs a reply keeps it in its in-memory registry (readers on that instance follow it in
 *   memory, exactly as on SQLite) and claims the conversation's row in `live_replies` atomically: an insert
 *   that only overwrites a row whose reply ended or whose heartbeat is older than STALE_MS (an instance that
 *   died). One timer per instance renews the heartbeats of all its running replies every HEARTBEAT_MS.
 * - Its frames are published in batches (every BATCH_MS) as rows of `reply_frames`, each insert also sending
 *   a NOTIFY on FRAMES_CHANNEL in the same statement, carrying the batch when it fits in a notification.
 * - A reader on another instance replays the rows so far (compacted) and follows the notifications until the
 *   end row. Each instance has ONE listening connection (postgres.js multiplexes its listens on one
 *   connection), fanned out here to readers by message id. A reader that hears nothing for POLL_MS looks at
 *   the table itself, so a lost notification (the listening connection reconnecting) only delays it, and a
 *   reply whose instance died ends for its readers instead of hanging.
 * - Stop anywhere: the instance that runs the reply stops it itself; any other NOTIFYs STOP_CHANNEL and the
 *   owner aborts; every reader then gets the clean end (status "stopped") through the frames. A stop before
 *   its message exists is kept in `early_stops` (2 minutes).
 * - After the end, the claim (marked ended, so the slot is free at once) and the frames stay KEEP_AFTER_END_MS
 *   for late readers, then the owner deletes them; lib/chat/reply-sweeper.ts cleans up after dead instances.
 */

/** How often an instance renews the heartbeats of the replies it runs. */
export const HEARTBEAT_MS = 5_000;
/** A claim not renewed for this long belongs to an instance that died: it can be taken over. */
export const STALE_MS = 15_000;
/** Frames are written (and notified) at most this often per reply. */
const BATCH_MS = 50;
/** As in live-replies.ts: an ended reply stays replayable a little while. */
export const KEEP_AFTER_END_MS = 30_000;
/** A remote reader that hears nothing for this long reads the table (and the claim) itself. */
const POLL_MS = 2_000;
/** As in stop.ts. */
export const STOPPED_BEFORE_START_MS = 120_000;
/** PostgreSQL's limit on a NOTIFY payload is 8000 bytes; a bigger batch is read from its row. */
const NOTIFY_MAX_BYTES = 7_900;

const FRAMES_CHANNEL = "glm_reply_frames";
const STOP_CHANNEL = "glm_reply_stop";

type Follower = (n: number, batch: Batch | undefined) => void;
interface Batch {
  c: UIMessageChunk[];
  end?: true;
}

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

export const instanceId = () => state.instanceId;

/** The pool's postgres.js client: tagged queries (prepared once per connection), LISTEN and NOTIFY. */
const pg = () => (getDb() as unknown as { $client: postgres.Sql }).$client;
/** Time is the database's clock, the same for every instance: milliseconds since 1970. */
const now = (sql: postgres.Sql) => sql`(floor(extract(epoch from clock_timestamp()) * 1000)::bigint)`;

const logged = (what: string) => (err: unknown) => console.error(`[chat] shared replies: could not ${what}`, err);

/** Listening for stops, and the heartbeat timer: before this instance claims anything. */
export function startSharedReplies(): Promise<void> {
  return (state.started ??= (async () => {
    const sql = pg();
    await sql.listen(STOP_CHANNEL, onStop);
    const timer = setInterval(() => {
      if (state.running > 0) {
        sql`update live_replies set heartbeat_at = ${now(sql)} where instance_id = ${state.instanceId} and ended_at is null`.catch(
          logged("renew the heartbeat of its replies"),
        );
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

/** `messageId \n n [\n batch JSON]`: parsed only when someone on this instance reads that reply. */
function onFrames(payload: string) {
  const a = payload.indexOf("\n");
  const followers = state.followers.get(payload.slice(0, a));
  if (!followers) return;
  const b = payload.indexOf("\n", a + 1);
  const n = Number(b < 0 ? payload.slice(a + 1) : payload.slice(a + 1, b));
  const batch = b < 0 ? undefined : (JSON.parse(payload.slice(b + 1)) as Batch);
  for (const f of followers) f(n, batch);
}

/**
 * The owner's side of one reply: batches its chunks into `reply_frames` rows (each insert notifies), marks
 * the claim ended after the last row, and deletes claim and frames KEEP_AFTER_END_MS later.
 */
class Publisher implements ReplyTap {
  private pending: UIMessageChunk[] = [];
  private n = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Writes in order, one at a time. */
  private writing: Promise<void> = Promise.resolve();
  private ended = false;

  constructor(
    private readonly reply: LiveReply,
    readonly startedAt: number,
  ) {}

  chunks(added: UIMessageChunk[]) {
    for (const c of added) this.pending.push(c);
    this.timer ??= setTimeout(() => this.flush(false), BATCH_MS);
  }

  end() {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.timer);
    this.flush(true);
    state.running--;
    const { conversationId, replyId } = this.reply;
    this.writing = this.writing
      .then(async () => {
        const sql = pg();
        await sql`update live_replies set ended_at = ${now(sql)} where conversation_id = ${conversationId}
        and message_id = ${replyId} and started_at = ${this.startedAt}`;
      })
      .catch(logged("mark a reply ended"));
    setTimeout(() => void this.forget(), KEEP_AFTER_END_MS).unref();
  }

  /** The claim and the frames, once late readers have had their chance (unless the slot was taken since). */
  private async forget() {
    const sql = pg();
    const { conversationId, replyId } = this.reply;
    try {
      const mine = await sql`delete from live_replies where conversation_id = ${conversationId}
        and message_id = ${replyId} and started_at = ${this.startedAt} returning 1`;
      if (mine.length) await sql`delete from reply_frames where message_id = ${replyId}`;
    } catch (err) {
      logged("delete an ended reply's frames")(err);
    }
  }

  private flush(end: boolean) {
    this.timer = undefined;
    const c = compact(this.pending);
    this.pending = [];
    if (!c.length && !end) return;
    const n = this.n++;
    const body = JSON.stringify(end ? { c, end: true } : { c });
    const head = `${this.reply.replyId}\n${n}`;
    // JSON.stringify escapes control characters, so the text holds no U+0000 for PostgreSQL to refuse.
    const payload = Buffer.byteLength(body) + head.length < NOTIFY_MAX_BYTES ? `${head}\n${body}` : head;
    const messageId = this.reply.replyId;
    this.writing = this.writing
      .then(async () => {
        const sql = pg();
        await sql`with f as (insert into reply_frames (message_id, n, frames) values (${messageId}, ${n}, ${body}) returning n)
        select pg_notify(${FRAMES_CHANNEL}, ${payload}) from f`;
      })
      .catch(logged("publish a reply's frames"));
  }
}

interface ClaimRow {
  messageId: string;
  instanceId: string;
  startedAt: number;
  heartbeatAt: number;
  endedAt: number | null;
  now: number;
}

/** The conversation's claim, if it is this user's. */
async function claimOf(userId: string, conversationId: string): Promise<ClaimRow | undefined> {
  const sql = pg();
  const [row] = await sql<
    ClaimRow[]
  >`select message_id as "messageId", instance_id as "instanceId", started_at as "startedAt",
      heartbeat_at as "heartbeatAt", ended_at as "endedAt", ${now(sql)} as now
    from live_replies where conversation_id = ${conversationId} and user_id = ${userId}`;
  return row;
}

const isRunning = (row: ClaimRow) => row.endedAt === null && row.heartbeatAt > row.now - STALE_MS;

/**
 * A reader of a reply another instance runs: the frames so far (compacted), then each batch as it is
 * notified, to the end row. Reads the table again on a gap in the numbering, on a batch too big for a
 * notification, and after POLL_MS of silence (which is also how it notices that the owner died).
 */
function remoteReader(userId: string, conversationId: string, messageId: string): ReadableStream<Uint8Array> {
  let next = 0;
  let pending: UIMessageChunk[] = [];
  let done = false;
  let lastNews = Date.now();
  let wake: (() => void) | undefined;
  let reading: Promise<void> | undefined;
  let poll: NodeJS.Timeout | undefined;
  const notified = new Map<number, Batch | undefined>();

  const apply = (n: number, batch: Batch) => {
    if (n !== next || done) return;
    next++;
    for (const c of batch.c) pending.push(c);
    if (batch.end) done = true;
    lastNews = Date.now();
  };
  const settle = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };

  /** Rows from `next` on, from the table; then whatever notifications arrived meanwhile. */
  const readTable = () =>
    (reading ??= (async () => {
      try {
        const sql = pg();
        const rows = await sql<{ n: number; frames: string }[]>`select n, frames from reply_frames
        where message_id = ${messageId} and n >= ${next} order by n`;
        for (const r of rows) apply(r.n, JSON.parse(r.frames) as Batch);
        drainNotified();
      } finally {
        reading = undefined;
      }
    })());

  const drainNotified = () => {
    for (const n of [...notified.keys()].sort((a, b) => a - b)) {
      if (n < next) notified.delete(n);
      else if (n === next && notified.get(n)) {
        apply(n, notified.get(n)!);
        notified.delete(n);
      } else break;
    }
  };

  const follower: Follower = (n, batch) => {
    if (done) return;
    notified.set(n, batch);
    if (!reading) {
      drainNotified();
      // A gap, or a batch too big to be notified: read the table.
      if (notified.size) void readTable().catch(logged("read a reply's frames")).finally(settle);
    }
    settle();
  };

  const stopFollowing = () => {
    clearInterval(poll);
    const set = state.followers.get(messageId);
    set?.delete(follower);
    if (set && !set.size) state.followers.delete(messageId);
  };

  return new ReadableStream<Uint8Array>(
    {
      start: async () => {
        await follow();
        let set = state.followers.get(messageId);
        if (!set) state.followers.set(messageId, (set = new Set()));
        set.add(follower);
        await readTable();
        poll = setInterval(() => {
          if (done || Date.now() - lastNews < POLL_MS) return;
          void (async () => {
            await readTable();
            if (done || Date.now() - lastNews < POLL_MS) return;
            const claim = await claimOf(userId, conversationId);
            if (!claim || claim.messageId !== messageId || (claim.endedAt === null && !isRunning(claim))) {
              // The instance that ran it died (lib/chat/reply-sweeper.ts marks it interrupted), or the frames
              // are gone: end cleanly with what there is.
              await readTable();
              if (!done) {
                pending.push({ type: "message-metadata", messageMetadata: { status: "interrupted" } });
                done = true;
              }
            }
          })()
            .catch(logged("check on a reply"))
            .finally(settle);
        }, POLL_MS / 2);
        poll.unref();
      },
      pull: async (controller) => {
        while (!pending.length && !done)
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
        const batch = compact(pending);
        pending = [];
        controller.enqueue(encodeFrames(batch, done));
        if (done) {
          stopFollowing();
          controller.close();
        }
      },
      cancel: () => {
        done = true;
        stopFollowing();
        settle();
      },
    },
    { highWaterMark: 0 },
  );
}

export const sharedReplies: Replies = {
  async claim(reply) {
    await startSharedReplies();
    if (!claimLiveReply(reply)) return false;
    try {
      const sql = pg();
      const [won] = await sql<{ startedAt: number }[]>`insert into live_replies
          (conversation_id, message_id, user_id, instance_id, started_at, heartbeat_at, ended_at)
        values (${reply.conversationId}, ${reply.replyId}, ${reply.userId}, ${state.instanceId}, ${now(sql)}, ${now(sql)}, null)
        on conflict (conversation_id) do update set message_id = excluded.message_id, user_id = excluded.user_id,
          instance_id = excluded.instance_id, started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at,
          ended_at = null
        where live_replies.ended_at is not null or live_replies.heartbeat_at < excluded.heartbeat_at - ${STALE_MS}
        returning started_at as "startedAt"`;
      if (!won) {
        releaseLiveReply(reply);
        return false;
      }
      // A continued reply keeps its message id: the frames of its previous run go.
      await sql`delete from reply_frames where message_id = ${reply.replyId}`;
      reply.tap = new Publisher(reply, won.startedAt);
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
    await pg()`delete from live_replies where conversation_id = ${reply.conversationId} and message_id = ${reply.replyId}
      and started_at = ${tap.startedAt}`.catch(logged("give a claim back"));
  },

  run: runLiveReply,

  async read(userId, conversationId) {
    const local = liveReplyOf(userId, conversationId);
    if (local && !local.done) return local.subscribe();
    const claim = await claimOf(userId, conversationId);
    if (!claim) return local?.subscribe();
    if (claim.endedAt === null ? !isRunning(claim) : claim.endedAt < claim.now - KEEP_AFTER_END_MS) return undefined;
    if (local && local.replyId === claim.messageId && claim.instanceId === state.instanceId) return local.subscribe();
    if (claim.instanceId === state.instanceId) return undefined;
    return remoteReader(userId, conversationId, claim.messageId);
  },

  async stop(userId, conversationId, messageId) {
    const local = liveReplyOf(userId, conversationId);
    if (local && !local.done) {
      local.stop();
      return "stopped";
    }
    const sql = pg();
    const claim = await claimOf(userId, conversationId);
    if (claim && isRunning(claim) && claim.instanceId !== state.instanceId) {
      await sql`select pg_notify(${STOP_CHANNEL}, ${`${conversationId}\n${claim.messageId}`})`;
      return "stopped";
    }
    if (messageId) {
      await sql`insert into early_stops (user_id, message_id, at) values (${userId}, ${messageId}, ${now(sql)})
        on conflict (user_id, message_id) do update set at = excluded.at`;
      await sql`delete from early_stops where at < ${now(sql)} - ${STOPPED_BEFORE_START_MS}`;
    }
    return "not-running";
  },

  async stoppedBeforeStart(userId, messageId) {
    const sql = pg();
    const rows = await sql`select 1 from early_stops where user_id = ${userId} and message_id = ${messageId}
      and at >= ${now(sql)} - ${STOPPED_BEFORE_START_MS}`;
    return rows.length > 0;
  },
};
