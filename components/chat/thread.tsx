"use client";

import { ArrowDown } from "lucide-react";
import { useTranslations } from "next-intl";
import { useLayoutEffect, useRef } from "react";
import { textOf, type ChatUIMessage } from "@/lib/chat/types";
import { MessageView } from "./message";
import { useFollowLatest } from "./use-follow-latest";

/**
 * The conversation's messages, scrolled: it follows a streaming reply while the reader is at the end, and
 * offers a way back to it when they have scrolled up. Edit is offered on the last question, Regenerate and
 * Continue on the last reply, none while a reply is running.
 */
export function Thread({
  messages,
  status,
  model,
  hasOlder,
  onLoadOlder,
  onEdit,
  onRegenerate,
  onContinue,
  notice,
}: {
  messages: ChatUIMessage[];
  status: "submitted" | "streaming" | "ready" | "error";
  /** The conversation's model, named on an empty conversation. */
  model: string;
  hasOlder: boolean;
  onLoadOlder: () => void;
  /** Returns whether the edit was sent (it is held back when too long for the model's context). */
  onEdit: (message: ChatUIMessage, text: string) => boolean;
  onRegenerate: () => void;
  onContinue: (message: ChatUIMessage) => void;
  /** A moment's confirmation (a shortcut's copy), shown over the thread's foot and read out. */
  notice?: string | null;
}) {
  const t = useTranslations("chat");
  const busy = status === "submitted" || status === "streaming";
  const scroller = useRef<HTMLDivElement>(null);
  const bottom = useRef<HTMLDivElement>(null);
  const last = messages.at(-1);
  // Follows the newest message only (not older ones loaded above), and only while the reader is at the end.
  const { away, toLatest } = useFollowLatest(scroller, bottom, last, last?.role === "user");
  // Earlier messages arrive above what the reader was looking at: keep it where it was on the screen.
  const beforeOlder = useRef<{ height: number; top: number } | null>(null);
  const loadOlder = () => {
    const el = scroller.current;
    if (el) beforeOlder.current = { height: el.scrollHeight, top: el.scrollTop };
    onLoadOlder();
  };
  const firstId = messages[0]?.id;
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when messages are added at the top, on purpose
  useLayoutEffect(() => {
    const el = scroller.current;
    const was = beforeOlder.current;
    if (!el || !was) return;
    beforeOlder.current = null;
    el.scrollTop = was.top + (el.scrollHeight - was.height);
  }, [firstId]);
  const lastUser = messages.findLastIndex((m) => m.role === "user");
  const lastAssistant = messages.findLastIndex((m) => m.role === "assistant");
  const isLastReply = (i: number) => !busy && i === lastAssistant && i === messages.length - 1;

  return (
    <div className="relative flex min-h-0 flex-1 flex-col">
      <div ref={scroller} className="min-h-0 flex-1 overflow-y-auto" aria-live="polite" aria-busy={busy}>
        <div className="mx-auto flex max-w-3xl flex-col gap-6 px-4 py-6">
          {hasOlder ? (
            <div className="text-center">
              <button
                type="button"
                onClick={loadOlder}
                className="text-sm text-neutral-500 dark:text-neutral-400 underline"
              >
                {t("loadEarlier")}
              </button>
            </div>
          ) : null}
          {messages.length === 0 ? (
            <div className="py-16 text-center text-neutral-500 dark:text-neutral-400">
              <p className="text-lg font-medium text-neutral-700 dark:text-neutral-300">{t("emptyTitle")}</p>
              <p className="mt-1 text-sm">{t("emptyBody", { model })}</p>
            </div>
          ) : null}
          {messages.map((m, i) => (
            <MessageView
              key={m.id}
              message={m}
              streaming={busy && i === messages.length - 1 && m.role === "assistant"}
              onEdit={!busy && i === lastUser ? (text) => onEdit(m, text) : undefined}
              onRegenerate={isLastReply(i) ? onRegenerate : undefined}
              onContinue={isLastReply(i) && textOf(m) ? () => onContinue(m) : undefined}
            />
          ))}
          {status === "submitted" && last?.role === "user" ? (
            <p className="animate-pulse text-sm text-neutral-500 dark:text-neutral-400">{t("thinking")}</p>
          ) : null}
          <div ref={bottom} />
        </div>
      </div>
      <p
        role="status"
        className={
          notice
            ? "absolute bottom-14 left-1/2 -translate-x-1/2 rounded-full bg-neutral-900 px-3 py-1.5 text-sm text-white shadow-md dark:bg-neutral-100 dark:text-neutral-900"
            : "sr-only"
        }
      >
        {notice ?? ""}
      </p>
      {away && messages.length ? (
        <button
          type="button"
          onClick={toLatest}
          aria-label={t("scrollToLatest")}
          title={t("scrollToLatest")}
          className="absolute bottom-3 left-1/2 flex h-9 w-9 -translate-x-1/2 items-center justify-center rounded-full border border-neutral-300 bg-white shadow-md hover:bg-neutral-100 dark:border-neutral-700 dark:bg-neutral-900 dark:hover:bg-neutral-800"
        >
          <ArrowDown size={16} aria-hidden />
        </button>
      ) : null}
    </div>
  );
}
