import "server-only";
import { liveReplyOf } from "@/lib/chat/live-registry";

/**
 * Stop, from any tab. A reply that is running is aborted (and saved as stopped). A message whose request has
 * not reached the server yet is remembered for a while, so that when it does arrive it is refused instead of
 * answered: the browser has already put its text back in the composer.
 */
export const STOPPED_BEFORE_START_MS = 120_000;
/** At most this many remembered (the oldest go first): a client sending Stop for made-up ids costs bounded memory. */
export const STOPPED_BEFORE_START_MAX = 10_000;
const holder = globalThis as unknown as { __glmStoppedEarly?: Map<string, number> };
const stoppedEarly = (holder.__glmStoppedEarly ??= new Map());

export function stopReply(userId: string, conversationId: string, messageId?: string): "stopped" | "not-running" {
  const reply = liveReplyOf(userId, conversationId);
  if (reply && !reply.done) {
    reply.stop();
    return "stopped";
  }
  if (messageId) {
    const now = Date.now();
    // Oldest first (a Map keeps insertion order; a repeat is moved to the end): stop at the first still young.
    for (const [key, at] of stoppedEarly) {
      if (now - at <= STOPPED_BEFORE_START_MS && stoppedEarly.size < STOPPED_BEFORE_START_MAX) break;
      stoppedEarly.delete(key);
    }
    const key = `${userId}:${messageId}`;
    stoppedEarly.delete(key);
    stoppedEarly.set(key, now);
  }
  return "not-running";
}

export function wasStoppedBeforeStart(userId: string, messageId: string): boolean {
  const at = stoppedEarly.get(`${userId}:${messageId}`);
  return at !== undefined && Date.now() - at <= STOPPED_BEFORE_START_MS;
}
