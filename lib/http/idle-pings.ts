import "server-only";

/** A stream that a keep-alive comment can be written to while it is idle. */
export interface IdleStream {
  /** performance.now() of the stream's last write. */
  lastWrite: number;
  /** True while the client is behind (its socket full): that connection is not idle, and gets no ping. */
  readonly behind: boolean;
  ping(): void;
}

/**
 * Keep-alive comments for the node:http doors' streams, from one timer for all of them. Each stream had an
 * interval of its own (a Timeout and a closure made, linked into node's timer list and unlinked again per
 * stream), kept for the rare stream that goes silent longer than STREAM_KEEPALIVE_MS. Now each stream is one
 * entry in a set, and one sweep every `idleMs / 2` pings those idle for `idleMs`: a silent stream still gets
 * its first ping after `idleMs` to `1.5 × idleMs`, as with its own interval.
 */
class IdlePings {
  private readonly streams = new Set<IdleStream>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly idleMs: number) {}

  watch(stream: IdleStream): () => void {
    this.streams.add(stream);
    this.timer ??= setInterval(() => this.sweep(), Math.max(50, Math.floor(this.idleMs / 2))).unref();
    return () => void this.streams.delete(stream);
  }

  private sweep() {
    if (!this.streams.size) {
      clearInterval(this.timer);
      this.timer = undefined;
      return;
    }
    const now = performance.now();
    for (const stream of this.streams) {
      if (stream.behind || now - stream.lastWrite < this.idleMs) continue;
      stream.lastWrite = now;
      stream.ping();
    }
  }
}

const sweepers = new Map<number, IdlePings>();

/** Pings `stream` whenever it has been idle for `idleMs`, until the returned function is called. */
export function pingWhileIdle(stream: IdleStream, idleMs: number): () => void {
  let sweeper = sweepers.get(idleMs);
  if (!sweeper) sweepers.set(idleMs, (sweeper = new IdlePings(idleMs)));
  return sweeper.watch(stream);
}
