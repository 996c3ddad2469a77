import "server-only";

/**
 * The operator's view of upstream failures. A wrong UPSTREAM_BASE_URL, a rejected UPSTREAM_API_KEY or a model
 * service that is down showed people "The model service failed" and left nothing in the server's log to say
 * why. Each kind of failure is logged when it first happens, then at most once a minute with how many more
 * there were, so a dead upstream under load does not flood the log.
 */
const EVERY_MS = 60_000;
const seen = new Map<string, { loggedAt: number; since: number }>();

export function logUpstreamFailure(kind: string, detail: string, now = Date.now()): void {
  const entry = seen.get(kind);
  if (entry && now - entry.loggedAt < EVERY_MS) {
    entry.since++;
    return;
  }
  const more = entry?.since ? ` (${entry.since} more since the last report)` : "";
  seen.set(kind, { loggedAt: now, since: 0 });
  console.error(`[upstream] ${detail}${more}`);
}

/** What a failed connection says about itself: undici's error code and its cause's (ECONNREFUSED, ENOTFOUND…). */
export function connectionProblem(err: unknown): string {
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } } | undefined;
  const code = e?.cause?.code ?? e?.code;
  const message = e?.cause?.message ?? e?.message ?? String(err);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}

/** The upstream's address for a log line, without a user name or password it may carry (http://user:pass@host). */
export function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return url;
    u.username = "";
    u.password = "";
    return u.toString().replace(/\/$/, "");
  } catch {
    return "(the configured upstream)";
  }
}
