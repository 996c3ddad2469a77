import { useEffect, useRef, useState } from "react";
import { shortcutOf } from "@/components/layout/shortcut-keys";
import { type ChatUIMessage, textOf } from "@/lib/chat/types";
import { copyText } from "./clipboard";

/**
 * ⌘/Ctrl+Shift+C copies the conversation's last reply (as ChatGPT's does). `copied` is true for a moment after,
 * for the page to say so.
 */
export function useCopyLastReply(messages: ChatUIMessage[]): boolean {
  const latest = useRef(messages);
  latest.current = messages;
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onKey = (e: KeyboardEvent) => {
      if (shortcutOf(e) !== "copyLastReply") return;
      const reply = latest.current.findLast((m) => m.role === "assistant");
      const text = reply ? textOf(reply) : "";
      if (!text) return;
      e.preventDefault();
      void copyText(text).then(() => {
        setCopied(true);
        clearTimeout(timer);
        timer = setTimeout(() => setCopied(false), 2000);
      });
    };
    window.addEventListener("keydown", onKey);
    return () => {
      window.removeEventListener("keydown", onKey);
      clearTimeout(timer);
    };
  }, []);
  return copied;
}
