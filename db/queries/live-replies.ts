import "server-only";
import type postgres from "postgres";
import type { Db } from "@/db";

/**
 * The tables that let several instances on one PostgreSQL database share live replies (`live_replies`,
 * `reply_frames`, `early_stops`: db/pg/schema.ts). PostgreSQL only: on SQLite one process serves the app and
 * keeps its live replies in memory. lib/chat/shared-replies.ts wires these to LISTEN/NOTIFY and its timers;
 * the channel names and notice payloads are its business and are passed in.
 *
 * The queries run on the pool's postgres.js client (`pgClient`), not through drizzle: tagged statements are
 * prepared once per connection, and frames are written every 50 ms per streaming reply. Times are the
 * database's clock (`now`), the same for every instance. The owner (`userId`) is in the WHERE of every query
 * that reads or changes one user's rows; related writes share a transaction.
 */

/** postgres.js, or a transaction on it. */
type Sql = postgres.Sql | postgres.TransactionSql;

/** The app database's postgres.js client: for these queries and for LISTEN. */
export const pgClient = (db: Db): postgres.Sql => (db as unknown as { $client: postgres.Sql }).$client;

/** Milliseconds since 1970 on the database's clock. */
const now = (sql: Sql) => sql`(floor(extract(epoch from clock_timestamp()) * 1000)::bigint)`;

export interface ReplyClaim {
  messageId: string;
  instanceId: string;
  startedAt: number;
  heartbeatAt: number;
  endedAt: number | null;
  /** The database's clock when the claim was read. */
  now: number;
}

/** The conversation's claim, if it is this user's. */
export async function replyClaim(
  sql: Sql,
  { userId, conversationId }: { userId: string; conversationId: string },
): Promise<ReplyClaim | undefined> {
  const [row] = await sql<ReplyClaim[]>`select message_id as "messageId", instance_id as "instanceId",
      started_at as "startedAt", heartbeat_at as "heartbeatAt", ended_at as "endedAt", ${now(sql)} as now
    from live_replies where conversation_id = ${conversationId} and user_id = ${userId}`;
  return row;
}

/**
 * Claims the conversation for this reply: an insert that overwrites only a claim whose reply ended or whose
 * heartbeat is older than `staleMs` (its instance died). On success the frames of an earlier run of the same
 * message (a continued reply keeps its id) are deleted in the same transaction. Returns the claim's start
 * time (which identifies it later), or undefined when another reply holds the conversation.
 */
export async function claimReply(
  sql: postgres.Sql,
  o: { userId: string; conversationId: string; messageId: string; instanceId: string; staleMs: number },
): Promise<number | undefined> {
  return sql.begin(async (tx) => {
    const [won] = await tx<{ startedAt: number }[]>`insert into live_replies
        (conversation_id, message_id, user_id, instance_id, started_at, heartbeat_at, ended_at)
      values (${o.conversationId}, ${o.messageId}, ${o.userId}, ${o.instanceId}, ${now(tx)}, ${now(tx)}, null)
      on conflict (conversation_id) do update set message_id = excluded.message_id, user_id = excluded.user_id,
        instance_id = excluded.instance_id, started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at,
        ended_at = null
      where live_replies.ended_at is not null or live_replies.heartbeat_at < excluded.heartbeat_at - ${o.staleMs}
      returning started_at as "startedAt"`;
    if (won) await tx`delete from reply_frames where message_id = ${o.messageId}`;
    return won?.startedAt;
  });
}

/** The claim of one run of a reply: the conversation, the reply's message and when the run claimed it. */
interface ClaimKey {
  userId: string;
  conversationId: string;
  messageId: string;
  startedAt: number;
}

/** Renews the heartbeat of every reply this instance runs. */
export async function renewHeartbeats(sql: Sql, { instanceId }: { instanceId: string }): Promise<void> {
  await sql`update live_replies set heartbeat_at = ${now(sql)} where instance_id = ${instanceId} and ended_at is null`;
}

/** The reply ended: its slot is free for the next turn at once, its frames stay for late readers. */
export async function markReplyEnded(sql: Sql, k: ClaimKey): Promise<void> {
  await sql`update live_replies set ended_at = ${now(sql)} where conversation_id = ${k.conversationId}
    and user_id = ${k.userId} and message_id = ${k.messageId} and started_at = ${k.startedAt}`;
}

/** Gives a claim back (the turn did not start). */
export async function releaseClaim(sql: Sql, k: ClaimKey): Promise<void> {
  await sql`delete from live_replies where conversation_id = ${k.conversationId} and user_id = ${k.userId}
    and message_id = ${k.messageId} and started_at = ${k.startedAt}`;
}

/**
 * Deletes an ended reply's claim and, in the same transaction, its frames; neither when the slot was taken
 * since (the claim is another run's: its frames are not ours to delete). True when the claim was still ours.
 */
export async function forgetReply(sql: postgres.Sql, k: ClaimKey): Promise<boolean> {
  return sql.begin(async (tx) => {
    const mine = await tx`delete from live_replies where conversation_id = ${k.conversationId}
      and user_id = ${k.userId} and message_id = ${k.messageId} and started_at = ${k.startedAt} returning 1`;
    if (mine.length) await tx`delete from reply_frames where message_id = ${k.messageId}`;
    return mine.length > 0;
  });
}

/**
 * Writes batch `n` of a reply's frames and, in the same statement, NOTIFYs `notice` on `channel` (a notice
 * is sent only if the row is written, and only when the statement commits).
 */
export async function publishFrames(
  sql: Sql,
  o: { messageId: string; n: number; frames: string; channel: string; notice: string },
): Promise<void> {
  await sql`with f as (insert into reply_frames (message_id, n, frames) values (${o.messageId}, ${o.n}, ${o.frames})
    returning n) select pg_notify(${o.channel}, ${o.notice}) from f`;
}

/** A reply's frame batches from `from` on, in order, if the reply is in one of this user's conversations. */
export async function framesSince(
  sql: Sql,
  { userId, messageId, from }: { userId: string; messageId: string; from: number },
): Promise<{ n: number; frames: string }[]> {
  return sql<{ n: number; frames: string }[]>`select n, frames from reply_frames
    where message_id = ${messageId} and n >= ${from}
      and exists (select 1 from messages m join conversations c on c.id = m.conversation_id
        where m.id = ${messageId} and c.user_id = ${userId})
    order by n`;
}

/** NOTIFY `payload` on `channel`, for every instance listening. */
export async function notify(sql: Sql, { channel, payload }: { channel: string; payload: string }): Promise<void> {
  await sql`select pg_notify(${channel}, ${payload})`;
}

/**
 * Stop pressed before the message reached any instance: remembered for `keepMs`, so the late request is
 * refused. Older records are dropped in the same transaction.
 */
export async function recordEarlyStop(
  sql: postgres.Sql,
  { userId, messageId, keepMs }: { userId: string; messageId: string; keepMs: number },
): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`insert into early_stops (user_id, message_id, at) values (${userId}, ${messageId}, ${now(tx)})
      on conflict (user_id, message_id) do update set at = excluded.at`;
    await tx`delete from early_stops where at < ${now(tx)} - ${keepMs}`;
  });
}

/** Whether this user stopped this message within the last `keepMs`. */
export async function stoppedEarly(
  sql: Sql,
  { userId, messageId, keepMs }: { userId: string; messageId: string; keepMs: number },
): Promise<boolean> {
  const rows = await sql`select 1 from early_stops where user_id = ${userId} and message_id = ${messageId}
    and at >= ${now(sql)} - ${keepMs}`;
  return rows.length > 0;
}

/**
 * What instances that died left behind (every instance runs this now and then; each statement is
 * idempotent): replies left `streaming` with no fresh claim become `interrupted` (their text as last saved
 * kept), then claims, frames and stops-before-start that nobody needs any more are deleted.
 */
export async function sweepDeadReplies(
  sql: postgres.Sql,
  o: { staleMs: number; keepAfterEndMs: number; stoppedBeforeStartMs: number },
): Promise<{ interrupted: number; claims: number; frames: number }> {
  // A live claim's heartbeat is at most HEARTBEAT_MS old; an ended one's stops being renewed, so a reply
  // whose final save failed is also interrupted staleMs after its end (messages_streaming_idx: a few rows).
  const interrupted = await sql`update messages m set status = 'interrupted'
    where m.status = 'streaming' and not exists (select 1 from live_replies l
      where l.message_id = m.id and l.heartbeat_at > ${now(sql)} - ${o.staleMs})
    returning m.id`;
  // Owners delete their claims keepAfterEndMs after the end; these are the ones whose owner died.
  const claims = await sql`delete from live_replies
    where coalesce(ended_at, heartbeat_at) < ${now(sql)} - ${Math.max(o.keepAfterEndMs, o.staleMs) * 2}
    returning message_id`;
  const frames = await sql`delete from reply_frames f where f.created_at < ${now(sql)} - ${o.keepAfterEndMs * 2}
    and not exists (select 1 from live_replies l where l.message_id = f.message_id)`;
  await sql`delete from early_stops where at < ${now(sql)} - ${o.stoppedBeforeStartMs}`;
  return { interrupted: interrupted.length, claims: claims.length, frames: frames.count };
}
