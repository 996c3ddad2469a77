import "server-only";
import { getDb } from "@/db";
import { pgClient, sweepDeadReplies } from "@/db/queries/live-replies";
import { closeUnfinishedUsage } from "@/db/queries/usage";
import { config } from "@/lib/config";
import { KEEP_AFTER_END_MS } from "@/lib/chat/live-registry";
import { STALE_MS } from "@/lib/chat/shared-instance";
import { STOPPED_BEFORE_START_MS } from "@/lib/chat/stop";

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
  const swept = await sweepDeadReplies(pgClient(getDb()), {
    staleMs: STALE_MS,
    keepAfterEndMs: KEEP_AFTER_END_MS,
    stoppedBeforeStartMs: STOPPED_BEFORE_START_MS,
  });
  await closeUnfinishedUsageOfDeadInstances();
  return swept;
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
