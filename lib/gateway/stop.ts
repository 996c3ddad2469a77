import "server-only";

/**
 * Cancellation of one gateway request: AbortController's job without its EventTarget. A /v1 stream on
 * node:http made two controllers, three listeners and node's own signal plumbing on the upstream request
 * (addAbortSignal, end-of-stream): ~40 µs of a ~1 ms stream in the profile, for something that happens to
 * a few requests in a thousand. A Stop is a flag, a reason and a list of callbacks.
 */
export class Stop {
  stopped = false;
  reason: unknown = undefined;
  private callbacks: ((reason: unknown) => void)[] | null = null;

  /** Stops with `reason` (once; later calls do nothing) and runs the callbacks. */
  stop(reason: unknown): void {
    if (this.stopped) return;
    this.stopped = true;
    this.reason = reason;
    const callbacks = this.callbacks;
    this.callbacks = null;
    if (callbacks) for (const fn of callbacks) fn(reason);
  }

  /** Runs `fn` when stopped (at once if it already is); returns what removes it. */
  onStop(fn: (reason: unknown) => void): () => void {
    if (this.stopped) {
      fn(this.reason);
      return noop;
    }
    (this.callbacks ??= []).push(fn);
    return () => {
      const i = this.callbacks?.indexOf(fn) ?? -1;
      if (i >= 0) this.callbacks?.splice(i, 1);
    };
  }

  /** A Stop that stops with this one (same reason), and can also stop on its own without stopping this one. */
  child(): Stop {
    const child = new Stop();
    const off = this.onStop((reason) => child.stop(reason));
    child.onStop(off);
    return child;
  }

  /** A Stop that follows a web AbortSignal (a route handler's request, the AI SDK's call options). */
  static following(signal: AbortSignal | undefined, reason: () => unknown): Stop {
    const s = new Stop();
    if (!signal) return s;
    if (signal.aborted) s.stop(reason());
    else signal.addEventListener("abort", () => s.stop(reason()), { once: true });
    return s;
  }

  /** An AbortSignal that follows this Stop, for APIs that take one (the in-process demo upstream's fetch). */
  signal(): AbortSignal {
    const ctrl = new AbortController();
    this.onStop((reason) => ctrl.abort(reason));
    return ctrl.signal;
  }
}

const noop = () => {};
