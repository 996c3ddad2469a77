"use client";

import { ArrowUp, Square } from "lucide-react";
import { useTranslations } from "next-intl";
import { Button } from "@/components/ui/button";

/** Enter sends, Shift+Enter adds a line; while a reply streams, Send becomes Stop. */
export function Composer({
  text,
  onTextChange: setText,
  onSend,
  onStop,
  busy,
}: {
  /** Owned by the chat, which puts a message back here when it could not be sent. */
  text: string;
  onTextChange: (text: string) => void;
  onSend: (text: string) => void;
  onStop: () => void;
  busy: boolean;
}) {
  const t = useTranslations("chat");
  const send = () => {
    if (!text.trim() || busy) return;
    onSend(text);
    setText("");
  };
  return (
    <form
      className="mx-auto flex w-full max-w-3xl items-end gap-2 p-3"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <label htmlFor="composer" className="sr-only">
        {t("message")}
      </label>
      <textarea
        id="composer"
        rows={1}
        value={text}
        placeholder={t("placeholder")}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          // Enter that confirms an IME candidate (Chinese, Japanese) is not a send: isComposing, or Safari's 229.
          if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing && e.keyCode !== 229) {
            e.preventDefault();
            send();
          }
        }}
        className="max-h-52 min-h-10 flex-1 resize-none rounded-xl border border-neutral-300 bg-white px-3 py-2 text-sm [field-sizing:content] focus:border-blue-500 focus:outline-none focus:ring-2 focus:ring-blue-500/30 dark:border-neutral-700 dark:bg-neutral-900"
      />
      {busy ? (
        <Button variant="secondary" className="h-10" onClick={onStop}>
          <Square size={14} aria-hidden /> {t("stop")}
        </Button>
      ) : (
        <Button type="submit" className="h-10" disabled={!text.trim()}>
          <ArrowUp size={16} aria-hidden /> {t("send")}
        </Button>
      )}
    </form>
  );
}
