"use client";

import { useCallback, useEffect, useState } from "react";

const PREFIX = "glm-chat:draft:";
/** A draft longer than this is not kept (sessionStorage has a few MB for the whole site). */
const MAX_KEPT = 100_000;

/**
 * The composer's text, kept per conversation for this tab (sessionStorage): switching to another conversation
 * and back, or reloading, finds what was being typed. Not localStorage: a draft should not outlive the tab on
 * a shared computer. `key` is the conversation's id, or "new" for a chat with no message yet.
 */
export function useDraft(key: string): [string, (text: string) => void] {
  const [draft, setDraftState] = useState("");
  // After mount: the server rendered an empty box, and the page must hydrate as it was rendered.
  useEffect(() => {
    setDraftState(read(key));
  }, [key]);
  const setDraft = useCallback(
    (text: string) => {
      setDraftState(text);
      write(key, text);
    },
    [key],
  );
  return [draft, setDraft];
}

function read(key: string): string {
  try {
    return sessionStorage.getItem(PREFIX + key) ?? "";
  } catch {
    return ""; // storage blocked (a privacy setting): drafts simply are not kept
  }
}

function write(key: string, text: string) {
  try {
    if (text && text.length <= MAX_KEPT) sessionStorage.setItem(PREFIX + key, text);
    else sessionStorage.removeItem(PREFIX + key);
  } catch {}
}
