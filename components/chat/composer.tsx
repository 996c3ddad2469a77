"use client";

import { ArrowUp, Globe, Square } from "lucide-react";
import { useTranslations } from "next-intl";
import { useEffect, useRef } from "react";
import { composerFocusWanted } from "@/components/layout/shortcut-keys";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { AttachButton } from "./attachments/attach-button";
import { useFileDrop } from "./attachments/dropzone";
import type { Attachments } from "./attachments/use-attachments";
import { isSendKey } from "./send-key";

/** Enter sends, Shift+Enter adds a line; while a reply streams, Send becomes Stop. */
export function Composer({
  text,
  onTextChange: setText,
  onSend,
  onStop,
  busy,
  files,
  blocked = false,
  webSearch,
}: {
  /** Owned by the chat, which puts a message back here when it could not be sent. */
  text: string;
  onTextChange: (text: string) => void;
  onSend: (text: string) => void;
  onStop: () => void;
  busy: boolean;
  /** Documents to send with the message (components/chat/attachments). */
  files?: Attachments;
  /** The prompt is over the model's context: sending waits for a shorter prompt or a longer model. */
  blocked?: boolean;
  /** The Web search toggle: the conversation's setting, sent with each message. */
  webSearch?: { on: boolean; onToggle: () => void };
}) {
  const { dragging, drop, paste } = useFileDrop(files);
  const box = useRef<HTMLTextAreaElement>(null);
  // A new chat asked for (New chat, Ctrl+Shift+O) is ready to type in.
  useEffect(() => {
    if (composerFocusWanted()) box.current?.focus();
  }, []);
  const canSend = (!!text.trim() || !!files?.ready.length) && !files?.uploading && !blocked;
  const t = useTranslations("chat");
  const tt = useTranslations("thinking");
  const send = () => {
    if (!canSend || busy) return;
    onSend(text);
    setText("");
  };
  return (
    <form
      className={cn(
        "mx-auto flex w-full max-w-3xl items-end gap-2 p-3",
        dragging && "rounded-xl outline-2 outline-dashed outline-blue-500",
      )}
      {...drop}
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <label htmlFor="composer" className="sr-only">
        {t("message")}
      </label>
      {files ? <AttachButton files={files} /> : null}
      {webSearch ? (
        <Button
          variant="ghost"
          size="icon"
          className={cn("h-10 w-10", webSearch.on && "bg-blue-50 text-blue-700 dark:bg-blue-950 dark:text-blue-300")}
          aria-pressed={webSearch.on}
          aria-label={tt("webSearch")}
          title={tt("webSearchHelp")}
          onClick={webSearch.onToggle}
        >
          <Globe size={16} aria-hidden />
        </Button>
      ) : null}
      <textarea
        {...paste}
        ref={box}
        id="composer"
        rows={1}
        value={text}
        placeholder={t("placeholder")}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (isSendKey(e)) {
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
        <Button type="submit" className="h-10" disabled={!canSend}>
          <ArrowUp size={16} aria-hidden /> {t("send")}
        </Button>
      )}
    </form>
  );
}
