"use client";

import { useCallback, useEffect, useRef, useState } from "react";

const PREFIX = "glm-chat:draft:";
/** A draft longer than this is not kept (sessionStorage has a few MB for the whole site). */
const MAX_KEPT = 100_000;

/**
 * The composer's text, kept per conversation for this tab (sessionStorage): switching to another conversation
 * and back, or reloading, finds what was being typed. Not localStorage: a draft should not outlive the tab on
 * a shared computer. `key` is the conversation's id, or "new" for a chat with no message yet.
 *
 * `keepAs(id)` hands the draft over to another key (a new chat's, once the server has its first message):
 * until then a reload opens a new chat again, and must find there whatever was typed or given back.
 */
export function useDraft(key: string): [string, (text: string) => void, (key: string) => void] {
  const [draft, setDraftState] = useState("");
  const current = useRef({ key, text: "" });
  // After mount: the server rendered an empty box, and the page must hydrate as it was rendered.
  useEffect(() => {
    current.current = { key, text: read(key) };
    setDraftState(current.current.text);
  }, [key]);
  const setDraft = useCallback((text: string) => {
    current.current.text = text;
    setDraftState(text);
    write(current.current.key, text);
  }, []);
  const keepAs = useCallback((next: string) => {
    const { key: was, text } = current.current;
    if (next === was) return;
    write(was, "");
    write(next, text);
    current.current.key = next;
  }, []);
  return [draft, setDraft, keepAs];
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
