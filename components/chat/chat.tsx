"use client";

import { useChat } from "@ai-sdk/react";
import { useTranslations } from "next-intl";
import { useEffect, useMemo, useRef, useState } from "react";
import { olderMessagesAction, saveWebSearchAction } from "@/app/(chat)/actions";
import { notifyConversationsChanged } from "@/components/sidebar/events";
import { ShareDialog } from "@/components/share/share-dialog";
import { ExportMenu } from "./export-menu";
import { Catalogue, type ModelInfo } from "@/lib/models";
import { titleFrom } from "@/lib/chat/title";
import { textOf, type ChatMessageMetadata, type ChatUIMessage, type ConversationSettings } from "@/lib/chat/types";
import { AttachmentTray } from "./attachments/attachment-tray";
import { ContextMeter, fitsContext } from "./attachments/context-meter";
import { ContextRefusal } from "./context-refusal";
import { useAttachments } from "./attachments/use-attachments";
import { usePromptTokens } from "./attachments/use-prompt-tokens";
import { Composer } from "./composer";
import { type LiveChoices, useChatTransport } from "./chat-transport";
import { ModelPicker } from "./model-picker";
import { ModelsProvider } from "./models-context";
import { readableError } from "./readable-error";
import { SettingsDialog } from "./settings-dialog";
import { Thread } from "./thread";
import { useCopyLastReply } from "./use-copy-last-reply";
import { contentLang } from "@/lib/i18n/content-lang";
import { RENDER_EVERY_MS } from "@/lib/chat/stream-cadence";
import { newId } from "@/lib/ids";
import { useDraft } from "./use-draft";
import { type RedoTurn, redoTokens } from "./turn-tokens";
import { useReach } from "@/components/ui/use-reach";

export function Chat({
  id,
  title,
  isNew,
  initialMessages,
  initialModel,
  retiredModel,
  initialSettings,
  models,
  hasOlder = false,
}: {
  id: string;
  title?: string;
  hasOlder?: boolean;
  isNew: boolean;
  initialMessages: ChatUIMessage[];
  /** The conversation's own model when the catalogue no longer offers it: said once, not switched silently. */
  retiredModel?: string;
  initialModel: string;
  initialSettings: ConversationSettings;
  /** The catalogue's enabled models (the picker's options). */
  models: readonly ModelInfo[];
}) {
  const catalogue = useMemo(() => new Catalogue(models), [models]);
  const t = useTranslations("chat");
  const te = useTranslations("errors");
  const reach = useReach();
  const [model, setModel] = useState(initialModel);
  const [settings, setSettings] = useState(initialSettings);
  const [heading, setHeading] = useState(title ?? t("newChat"));
  const [older, setOlder] = useState(hasOlder);
  useEffect(() => {
    if (title) setHeading(title);
  }, [title]);
  // Read at send time by the transport, which is created once.
  const live = useRef<LiveChoices>({ model, settings, saved: !isNew });
  live.current.model = model;
  live.current.settings = settings;
  const transport = useChatTransport(live);

  // A new chat's draft is the next new chat's until the server has its first message; from then on, this
  // conversation's (markSaved).
  const [draft, setDraft, keepDraftAs] = useDraft(isNew ? "new" : id);
  const files = useAttachments();
  const [sendError, setSendError] = useState<string | null>(null);
  /** A Regenerate, Continue or edit held back as too long for the model (its estimate; `at` tells presses apart). */
  const [refused, setRefused] = useState<{ tokens: number; at: number } | null>(null);
  /** The tab's name before a new chat's first message named it, for when that message comes back unsent. */
  const blankTitle = useRef<string | null>(null);
  const { messages, sendMessage, regenerate, stop, status, setMessages, resumeStream } = useChat<ChatUIMessage>({
    id,
    messages: initialMessages,
    transport,
    // Time-ordered, as the server's own (lib/ids.ts).
    generateId: newId,
    // A reply keeps running on the server when this page goes away: opening the conversation again
    // replays it and follows the rest live (GET /api/chat/<id>/stream; 204 when nothing is running).
    resume: !isNew,
    // Markdown re-renders at most this often while text streams in, however fast the pieces come.
    experimental_throttle: RENDER_EVERY_MS,
    onFinish: ({ isDisconnect, isError, isAbort }) => {
      // The connection dropped, not the reply: pick it up again.
      if (isDisconnect) setTimeout(() => void resumeStream(), 1000);
      if (!isError && !isAbort) markSaved();
      notifyConversationsChanged();
    },
    onError: (error) => {
      if (error.message.includes("stopped this message")) return;
      const { text, reply, unreachable } = readableError(error, t, te);
      // A refused or unreachable send gives the message back; a reply that failed stays, marked failed.
      if (!reply && currentMessages().at(-1)?.role === "user") unsend(t("notSent", { reason: text }));
      // "unreachable" is worded to follow "Your message was not sent:"; on its own it is a sentence.
      else markLast({ status: "error", error: unreachable ? t("serverUnreachable") : text });
      if (reply) markSaved();
      notifyConversationsChanged();
    },
  });

  /**
   * The chat's messages now, not the last render's: rendering is throttled (experimental_throttle), and a send
   * refused at once fails before its message has rendered. setMessages hands the current list over at once.
   */
  function currentMessages(): ChatUIMessage[] {
    let now = messages;
    setMessages((list) => {
      now = list;
      return list;
    });
    return now;
  }

  /** Takes the last (unanswered) message back into the composer, so nothing typed is lost. */
  function unsend(error: string | null) {
    const list = currentMessages();
    const last = list.at(-1);
    if (last?.role !== "user") return;
    setDraft(textOf(last));
    files.restore(last.metadata?.attachments);
    setMessages(list.slice(0, -1));
    setSendError(error);
    // A new chat whose first message the server does not have is still a new chat: its address was never
    // given, and its name goes back with the message.
    if (!live.current.saved) {
      setHeading(title ?? t("newChat"));
      if (blankTitle.current !== null) document.title = blankTitle.current;
    }
  }

  /** Stop, for this tab and any other following the reply. Before the server had the message, it comes back. */
  async function stopReply() {
    const pending = status === "submitted" && messages.at(-1)?.role === "user" ? messages.at(-1) : undefined;
    void stop();
    const answer = await fetch(`/api/chat/${encodeURIComponent(id)}/stop`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ messageId: pending?.id }),
    }).then(
      (r) => (r.ok ? (r.json() as Promise<{ status: string }>) : null),
      () => null,
    );
    if (pending && answer?.status !== "stopped") unsend(null);
    else markLast({ status: "stopped" });
    // A reply was running, so the server had the message, even if none of the reply had arrived here.
    if (answer?.status === "stopped") markSaved();
    notifyConversationsChanged();
  }

  /** Updates the last assistant reply's metadata (stopped, failed) as the server saved it. */
  function markLast(patch: ChatMessageMetadata) {
    setMessages((list) => {
      const last = list.at(-1);
      if (last?.role !== "assistant") {
        return [
          ...list,
          {
            id: `local-${Date.now()}`,
            role: "assistant",
            parts: [],
            metadata: { model: live.current.model, ...patch },
          },
        ];
      }
      return [...list.slice(0, -1), { ...last, metadata: { ...last.metadata, ...patch } }];
    });
  }

  /**
   * The server has the conversation's first message (its reply has started, or failed as a saved reply). Only
   * now does a new chat take its address (/chat/<id>) and its draft become the conversation's: until then a
   * reload would find no conversation there, and the message, given back to the composer, would be lost.
   */
  function markSaved() {
    if (live.current.saved) return;
    live.current.saved = true;
    if (isNew && window.location.pathname !== `/chat/${id}`) window.history.replaceState(null, "", `/chat/${id}`);
    keepDraftAs(id);
    notifyConversationsChanged();
  }

  const busy = status === "submitted" || status === "streaming";
  // biome-ignore lint/correctness/useExhaustiveDependencies: markSaved reads refs and props that do not change
  useEffect(() => {
    if (status === "streaming") markSaved();
  }, [status]);

  function send(text: string) {
    setSendError(null);
    setRefused(null);
    if (!live.current.saved) {
      // Named by its first message at once; its address waits for the server (markSaved).
      const first = titleFrom(text || (files.ready[0]?.name ?? ""));
      setHeading(first);
      // The tab's name too, in the layout's title template: Next sets it only when it renders a page.
      blankTitle.current ??= document.title;
      document.title = `${first} · glm-chat`;
    }
    const attached = files.take();
    void sendMessage(
      { text, metadata: attached.length ? { attachments: attached } : undefined },
      { body: { attachments: attached.length ? attached.map((a) => a.id) : undefined } },
    );
  }

  async function loadOlder() {
    const first = messages[0];
    if (!first) return;
    const r = await reach(olderMessagesAction({ id, beforeId: first.id }));
    if (!r.ok) return;
    setMessages((list) => [...(r.data.messages as ChatUIMessage[]), ...list]);
    setOlder(r.data.hasOlder);
  }

  /**
   * Regenerate, Continue and an edit are held back, as Send is, when the model's context cannot take what they
   * would send: the model service would refuse it, and the reply it replaces would be lost for an error.
   * Returns whether it went.
   */
  function redo(turn: RedoTurn, go: () => void): boolean {
    const tokens = redoTokens(messages, settings.systemPrompt, turn);
    if (!fitsContext(catalogue, model, tokens)) {
      setRefused({ tokens, at: Date.now() });
      return false;
    }
    setRefused(null);
    setSendError(null);
    go();
    return true;
  }

  function chooseModel(next: string) {
    setModel(next);
    setRefused(null);
    // keepalive: the choice is kept even when the page is reloaded or closed right after.
    if (live.current.saved)
      void fetch(`/api/conversations/${encodeURIComponent(id)}/model`, {
        method: "PUT",
        keepalive: true,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: next }),
      }).catch(() => {});
  }

  /** Web search: the toggle's state is the conversation's (a new chat's first message carries it). */
  function toggleWebSearch() {
    const on = !settings.webSearch;
    setSettings((s) => ({ ...s, webSearch: on }));
    if (live.current.saved) void saveWebSearchAction({ id, on }).catch(() => {});
  }

  const promptTokens = usePromptTokens(messages, draft, files.ready, settings.systemPrompt);
  const copiedLastReply = useCopyLastReply(messages);

  return (
    <ModelsProvider catalogue={catalogue}>
      <div className="flex min-h-0 flex-1 flex-col">
        <header className="flex items-center gap-2 border-b border-neutral-200 px-3 py-2 dark:border-neutral-800">
          <h1 lang={contentLang(heading)} className="min-w-0 flex-1 truncate text-sm font-medium">
            {heading}
          </h1>
          <ModelPicker value={model} onChange={chooseModel} />
          <SettingsDialog
            id={id}
            model={model}
            // The one place the browser asks whether a model thinks.
            thinking={catalogue.find(model)?.thinking ?? "none"}
            settings={settings}
            onSaved={setSettings}
          />
          {!isNew || messages.length ? <ExportMenu conversationId={id} /> : null}
          {!isNew || messages.length ? <ShareDialog conversationId={id} /> : null}
        </header>
        <Thread
          messages={messages}
          status={status}
          model={model}
          hasOlder={older}
          onLoadOlder={() => void loadOlder()}
          onEdit={(m, text) =>
            redo({ kind: "edit", messageId: m.id, text }, () => {
              void sendMessage({ text, messageId: m.id, metadata: m.metadata });
            })
          }
          onRegenerate={() => redo({ kind: "regenerate" }, () => void regenerate())}
          onContinue={(m) =>
            redo({ kind: "continue" }, () => void regenerate({ messageId: m.id, body: { continueFrom: m.id } }))
          }
          notice={copiedLastReply ? t("lastReplyCopied") : null}
        />
        {retiredModel && model === initialModel ? (
          <p role="status" className="mx-auto w-full max-w-3xl px-4 text-sm text-neutral-600 dark:text-neutral-400">
            {t("modelRetired", { old: retiredModel, model })}
          </p>
        ) : null}
        {sendError ? (
          <p role="alert" className="mx-auto w-full max-w-3xl px-4 text-sm text-red-700 dark:text-red-300">
            {sendError}
          </p>
        ) : null}
        <AttachmentTray files={files} />
        {refused ? (
          // In the meter's place: the two would say much the same, and this one says what the press did.
          <ContextRefusal key={refused.at} model={model} tokens={refused.tokens} onSwitch={chooseModel} />
        ) : (
          <ContextMeter model={model} tokens={promptTokens} hasFiles={files.files.length > 0} onSwitch={chooseModel} />
        )}
        <Composer
          text={draft}
          onTextChange={(text) => {
            setDraft(text);
            // Moved on: the meter speaks for what is typed now.
            setRefused(null);
          }}
          onSend={send}
          onStop={() => void stopReply()}
          busy={busy}
          files={files}
          blocked={!fitsContext(catalogue, model, promptTokens)}
          webSearch={{ on: !!settings.webSearch, onToggle: toggleWebSearch }}
        />
      </div>
    </ModelsProvider>
  );
}
