"use client";

import { Pencil, Play, RefreshCw } from "lucide-react";
import { useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";
import { focusComposer } from "@/components/layout/shortcut-keys";
import { Button } from "@/components/ui/button";
import { Textarea } from "@/components/ui/input";
import { cn } from "@/components/ui/cn";
import { extrasOf } from "@/lib/chat/thinking";
import { textOf, type ChatUIMessage } from "@/lib/chat/types";
import { MessageFiles } from "./attachments/message-files";
import { CopyButton } from "./copy-button";
import { Markdown } from "./markdown";
import { ReasoningFold } from "./reasoning-fold";
import { SourceList } from "./source-list";
import { isSendKey } from "./send-key";
import { UserText } from "./user-text";

export interface MessageActions {
  /** Present on the last assistant reply when nothing is streaming. */
  onRegenerate?: () => void;
  /** Present on the user's last message when nothing is streaming; returns whether the edit was sent. */
  onEdit?: (text: string) => boolean;
  /** Present on the last reply when it was cut short (interrupted or stopped) with some text. */
  onContinue?: () => void;
}

export function MessageView({
  message,
  streaming,
  ...actions
}: { message: ChatUIMessage; streaming: boolean } & MessageActions) {
  const t = useTranslations("chat");
  const text = textOf(message);
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(text);
  const meta = message.metadata ?? {};
  const isUser = message.role === "user";
  const editButton = useRef<HTMLButtonElement>(null);
  const backToEdit = useRef(false);
  // A cancelled edit gives focus back to the Edit button that opened it (it is rendered again only now): the
  // box it was in is gone, and focus would fall to the page's body.
  useEffect(() => {
    if (editing || !backToEdit.current) return;
    backToEdit.current = false;
    editButton.current?.focus();
  }, [editing]);
  const cancelEdit = () => {
    backToEdit.current = true;
    setEditing(false);
  };

  if (isUser) {
    return (
      <article aria-label={t("yourMessage")} className="group flex flex-col items-end gap-1">
        <MessageFiles files={meta.attachments} />
        {editing ? (
          <form
            className="w-full max-w-[85%] space-y-2"
            onSubmit={(e) => {
              e.preventDefault();
              if (!draft.trim()) return;
              // Held back (too long for the model): the box stays open with the text, and keeps the focus.
              if (!actions.onEdit?.(draft.trimEnd())) return;
              // Sent: on to the next message, as after Send.
              focusComposer();
              setEditing(false);
            }}
          >
            <label htmlFor={`edit-${message.id}`} className="sr-only">
              {t("editMessage")}
            </label>
            <Textarea
              id={`edit-${message.id}`}
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
              onKeyDown={(e) => {
                // As in the composer: Enter sends the edit, Shift+Enter is a new line; Escape cancels.
                if (isSendKey(e)) {
                  e.preventDefault();
                  e.currentTarget.form?.requestSubmit();
                } else if (e.key === "Escape") {
                  e.preventDefault();
                  cancelEdit();
                }
              }}
              rows={3}
              autoFocus
            />
            <div className="flex justify-end gap-2">
              <Button variant="secondary" size="sm" onClick={cancelEdit}>
                {t("cancel")}
              </Button>
              <Button type="submit" size="sm">
                {t("saveAndSend")}
              </Button>
            </div>
          </form>
        ) : (
          <UserText text={text} />
        )}
        {!editing ? (
          <div className="flex gap-1 opacity-70 group-hover:opacity-100">
            <CopyButton text={text} />
            {actions.onEdit ? (
              <Button
                ref={editButton}
                variant="ghost"
                size="sm"
                aria-label={t("edit")}
                title={t("edit")}
                onClick={() => {
                  setDraft(text);
                  setEditing(true);
                }}
              >
                <Pencil size={14} aria-hidden />
              </Button>
            ) : null}
          </div>
        ) : null}
      </article>
    );
  }

  const extras = extrasOf(message.parts);
  return (
    <article aria-label={t("assistantMessage")} className="group space-y-1">
      <div className="flex items-center gap-2 text-xs text-neutral-500 dark:text-neutral-400">
        {/* biome-ignore lint/a11y/useAriaPropsSupportedByRole: the label tells screen readers what the name is */}
        <span
          className="font-medium text-neutral-700 dark:text-neutral-300"
          aria-label={t("modelOf", { model: meta.model ?? t("unknownModel") })}
        >
          {meta.model ?? "GLM-4"}
        </span>
        {meta.status === "stopped" ? (
          <span className="rounded bg-neutral-200 px-1.5 py-0.5 text-neutral-700 dark:bg-neutral-800 dark:text-neutral-300">
            {t("stopped")}
          </span>
        ) : null}
        {meta.status === "interrupted" ? (
          <span
            className="rounded bg-amber-100 px-1.5 py-0.5 text-amber-900 dark:bg-amber-950 dark:text-amber-200"
            title={t("interruptedTitle")}
          >
            {t("interrupted")}
          </span>
        ) : null}
      </div>
      {extras.reasoning ? (
        <ReasoningFold
          text={extras.reasoning}
          streaming={streaming && extras.reasoningStreaming}
          ms={meta.reasoningMs}
        />
      ) : null}
      {text ? (
        <Markdown text={text} />
      ) : streaming && !extras.reasoning ? (
        <p className="animate-pulse text-sm text-neutral-500 dark:text-neutral-400">{t("thinking")}</p>
      ) : meta.status === "interrupted" ? (
        <p className="text-sm text-neutral-500 dark:text-neutral-400">{t("interruptedEmpty")}</p>
      ) : null}
      <SourceList sources={extras.sources} />
      {meta.status === "error" ? (
        <p
          role="alert"
          className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-700 dark:border-red-900 dark:bg-red-950 dark:text-red-200"
        >
          {meta.error ?? t("replyFailed")}
        </p>
      ) : null}
      {!streaming ? (
        <div className={cn("flex gap-1", "opacity-70 group-hover:opacity-100")}>
          {text ? <CopyButton text={text} /> : null}
          {actions.onContinue && (meta.status === "interrupted" || meta.status === "stopped") ? (
            <Button variant="ghost" size="sm" onClick={actions.onContinue}>
              <Play size={14} aria-hidden /> {t("continue")}
            </Button>
          ) : null}
          {actions.onRegenerate ? (
            <Button
              variant="ghost"
              size="sm"
              aria-label={meta.status === "error" ? t("retry") : t("regenerate")}
              onClick={actions.onRegenerate}
            >
              <RefreshCw size={14} aria-hidden />
              {meta.status === "error" ? ` ${t("retry")}` : null}
            </Button>
          ) : null}
        </div>
      ) : null}
    </article>
  );
}
