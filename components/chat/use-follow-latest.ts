"use client";

import { type RefObject, useCallback, useEffect, useRef, useState } from "react";

/** Within this of the end counts as at the end (a wheel notch, a trackpad's overshoot). */
const NEAR_END_PX = 80;

/**
 * Follows the newest message as it streams while the reader is at the end of the thread. Scrolled up to read,
 * they stay where they are: the stream used to pull them back down on every token. `toLatest` takes them
 * back and follows again; sending a message always does.
 */
export function useFollowLatest(
  scroller: RefObject<HTMLElement | null>,
  end: RefObject<HTMLElement | null>,
  newest: unknown,
  newestIsMine: boolean,
) {
  const following = useRef(true);
  const [away, setAway] = useState(false);

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const onScroll = () => {
      const atEnd = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_END_PX;
      following.current = atEnd;
      setAway(!atEnd);
    };
    el.addEventListener("scroll", onScroll, { passive: true });
    return () => el.removeEventListener("scroll", onScroll);
  }, [scroller]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the newest message changes, on purpose
  useEffect(() => {
    if (newestIsMine) following.current = true;
    // Braces matter: Chromium's scrollIntoView now returns a promise, which React would take for a cleanup.
    if (following.current) void end.current?.scrollIntoView({ block: "end" });
  }, [newest]);

  const toLatest = useCallback(() => {
    following.current = true;
    setAway(false);
    void end.current?.scrollIntoView({ block: "end" });
  }, [end]);

  return { away, toLatest };
}
