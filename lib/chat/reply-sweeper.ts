import "server-only";
import type postgres from "postgres";
import { getDb } from "@/db";
import { closeUnfinishedUsage } from "@/db/queries/usage";
import { config } from "@/lib/config";
import { KEEP_AFTER_END_MS, STALE_MS, STOPPED_BEFORE_START_MS } from "@/lib/chat/shared-replies";

/**
 * PostgreSQL only (started by instrumentation.ts): what instances that died left behind. On SQLite the one
 * process does this at start-up; here other instances may be streaming at any moment, so every instance
 * sweeps now and then, and only what no live instance holds:
 * - replies left `streaming` whose claim is missing or stale (its instance stopped renewing the heartbeat)
 *   become `interrupted`, their text as last saved kept (saved at least every 250 ms while streaming);
 * - claims and frames nobody needs any more, and stops-before-start older than 2 minutes, are deleted.
 * Every statement is idempotent, so instances sweeping at the same time do no harm.
 */
export const SWEEP_EVERY_MS = 10_000;

const holder = globalThis as unknown as { __glmReplySweeper?: NodeJS.Timeout };

export function startReplySweeper(everyMs = SWEEP_EVERY_MS) {
  if (holder.__glmReplySweeper) return;
  const sweep = () =>
    sweepReplies().then(
      ({ interrupted }) => {
        if (interrupted)
          console.log(
            `glm-chat: ${interrupted} reply(ies) left streaming by a stopped instance are marked interrupted.`,
          );
      },
      (err) => console.error("[chat] reply sweeper failed", err),
    );
  // Spread out, so instances started together do not all sweep at once.
  holder.__glmReplySweeper = setInterval(sweep, everyMs + Math.floor(Math.random() * 1000));
  holder.__glmReplySweeper.unref();
  setTimeout(sweep, 1000 + Math.floor(Math.random() * 1000)).unref();
}

export async function sweepReplies(): Promise<{ interrupted: number; claims: number; frames: number }> {
  const sql = (getDb() as unknown as { $client: postgres.Sql }).$client;
  const now = sql`(floor(extract(epoch from clock_timestamp()) * 1000)::bigint)`;
  // A live claim's heartbeat is at most HEARTBEAT_MS old; an ended one's stops being renewed, so a reply
  // whose final save failed is also interrupted STALE_MS after its end (messages_streaming_idx: a few rows).
  const interrupted = await sql`update messages m set status = 'interrupted'
    where m.status = 'streaming' and not exists (select 1 from live_replies l
      where l.message_id = m.id and l.heartbeat_at > ${now} - ${STALE_MS})
    returning m.id`;
  // Owners delete their claims KEEP_AFTER_END_MS after the end; these are the ones whose owner died.
  const claims = await sql`delete from live_replies
    where coalesce(ended_at, heartbeat_at) < ${now} - ${Math.max(KEEP_AFTER_END_MS, STALE_MS) * 2}
    returning message_id`;
  const frames = await sql`delete from reply_frames f where f.created_at < ${now} - ${KEEP_AFTER_END_MS * 2}
    and not exists (select 1 from live_replies l where l.message_id = f.message_id)`;
  await sql`delete from early_stops where at < ${now} - ${STOPPED_BEFORE_START_MS}`;
  await closeUnfinishedUsageOfDeadInstances();
  return { interrupted: interrupted.length, claims: claims.length, frames: frames.count };
}

/**
 * Ledger rows left in progress by an instance that died become "interrupted" with their tokens kept, as
 * SQLite does at start-up. A live request's row shows life at least once a second while tokens stream, and
 * the upstream may stay silent at most the first-byte timeout; a non-streamed request has no progress writes
 * at all. So only rows silent for ten minutes (or four upstream timeouts, if longer) are closed: no live
 * request on any instance is that quiet.
 */
async function closeUnfinishedUsageOfDeadInstances(): Promise<number> {
  const { firstByteTimeoutMs, connectTimeoutMs } = config();
  const silentMs = Math.max(10 * 60_000, 4 * (firstByteTimeoutMs + connectTimeoutMs));
  return closeUnfinishedUsage(getDb(), { lastProgressBefore: Date.now() - silentMs });
}
