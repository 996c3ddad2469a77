"use client";

import { useChat } from "@ai-sdk/react";
import { ArrowDown } from "lucide-react";
import { DefaultChatTransport } from "ai";
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
import { useAttachments } from "./attachments/use-attachments";
import { usePromptTokens } from "./attachments/use-prompt-tokens";
import { Composer } from "./composer";
import { MessageView } from "./message";
import { ModelPicker } from "./model-picker";
import { ModelsProvider } from "./models-context";
import { SettingsDialog } from "./settings-dialog";
import { useFollowLatest } from "./use-follow-latest";
import { contentLang } from "@/lib/i18n/content-lang";

type Translate = ReturnType<typeof useTranslations<"chat">>;
type TranslateError = ReturnType<typeof useTranslations<"errors">>;

/**
 * What went wrong, for people: the route's `{ "error": "…", "key": "…" }` body (a refused message) or a failed
 * reply's error part (the same, with `reply: true`) arrives as the Error's message; the key reads in the
 * reader's language. `reply` says the message was saved and its reply failed, whatever has rendered so far:
 * a failure right after the reply's start comes before the throttled render shows the reply.
 */
function readableError(error: Error, t: Translate, te: TranslateError): { text: string; reply: boolean } {
  if (error instanceof TypeError || /failed to fetch|network/i.test(error.message)) {
    return { text: t("unreachable"), reply: false };
  }
  try {
    const parsed = JSON.parse(error.message) as { error?: unknown; key?: unknown; reply?: unknown };
    const reply = parsed.reply === true;
    if (typeof parsed.key === "string" && te.has(parsed.key as never)) return { text: te(parsed.key as never), reply };
    if (typeof parsed.error === "string") return { text: parsed.error, reply };
  } catch {}
  return { text: error.message || t("replyFailed"), reply: false };
}

export function Chat({
  id,
  title,
  isNew,
  initialMessages,
  initialModel,
  initialSettings,
  models,
  hasOlder = false,
}: {
  id: string;
  title?: string;
  hasOlder?: boolean;
  isNew: boolean;
  initialMessages: ChatUIMessage[];
  initialModel: string;
  initialSettings: ConversationSettings;
  /** The catalogue's enabled models (the picker's options). */
  models: readonly ModelInfo[];
}) {
  const catalogue = useMemo(() => new Catalogue(models), [models]);
  const t = useTranslations("chat");
  const te = useTranslations("errors");
  const [model, setModel] = useState(initialModel);
  const [settings, setSettings] = useState(initialSettings);
  const [heading, setHeading] = useState(title ?? t("newChat"));
  const [older, setOlder] = useState(hasOlder);
  useEffect(() => {
    if (title) setHeading(title);
  }, [title]);
  // Read at send time by the transport, which is created once.
  const live = useRef({ model, settings, saved: !isNew });
  live.current.model = model;
  live.current.settings = settings;

  const transport = useMemo(
    () =>
      new DefaultChatTransport<ChatUIMessage>({
        api: "/api/chat",
        prepareSendMessagesRequest: ({ id: chatId, messages, trigger, messageId, body }) => ({
          body: {
            ...body,
            id: chatId,
            trigger,
            messageId,
            model: live.current.model,
            message: trigger === "submit-message" ? messages.at(-1) : undefined,
            settings: live.current.saved ? undefined : live.current.settings,
            webSearch: !!live.current.settings.webSearch,
          },
        }),
      }),
    [],
  );

  const [draft, setDraft] = useState("");
  const files = useAttachments();
  const [sendError, setSendError] = useState<string | null>(null);
  const { messages, sendMessage, regenerate, stop, status, setMessages, resumeStream } = useChat<ChatUIMessage>({
    id,
    messages: initialMessages,
    transport,
    // A reply keeps running on the server when this page goes away: opening the conversation again
    // replays it and follows the rest live (GET /api/chat/<id>/stream; 204 when nothing is running).
    resume: !isNew,
    // Markdown re-renders at most this often while text streams in, however fast the pieces come.
    experimental_throttle: 50,
    onFinish: ({ isDisconnect }) => {
      // The connection dropped, not the reply: pick it up again.
      if (isDisconnect) setTimeout(() => void resumeStream(), 1000);
      notifyConversationsChanged();
    },
    onError: (error) => {
      if (error.message.includes("stopped this message")) return;
      const { text, reply } = readableError(error, t, te);
      // A refused or unreachable send gives the message back; a reply that failed stays, marked failed.
      if (!reply && currentMessages().at(-1)?.role === "user") unsend(t("notSent", { reason: text }));
      else markLast({ status: "error", error: text });
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

  const busy = status === "submitted" || status === "streaming";
  useEffect(() => {
    if (status === "streaming" && !live.current.saved) {
      live.current.saved = true;
      notifyConversationsChanged();
    }
  }, [status]);

  const scroller = useRef<HTMLDivElement>(null);
  const bottom = useRef<HTMLDivElement>(null);
  const last = messages.at(-1);
  // Follows the newest message only (not older ones loaded above), and only while the reader is at the end.
  const { away, toLatest } = useFollowLatest(scroller, bottom, last, last?.role === "user");

  function send(text: string) {
    setSendError(null);
    // The conversation's address appears with its first message.
    if (isNew && window.location.pathname !== `/chat/${id}`) {
      window.history.replaceState(null, "", `/chat/${id}`);
      setHeading(titleFrom(text || (files.ready[0]?.name ?? "")));
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
    const r = await olderMessagesAction({ id, beforeId: first.id });
    if (!r.ok) return;
    setMessages((list) => [...(r.data.messages as ChatUIMessage[]), ...list]);
    setOlder(r.data.hasOlder);
  }

  function chooseModel(next: string) {
    setModel(next);
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
  const lastUser = messages.findLastIndex((m) => m.role === "user");
  const lastAssistant = messages.findLastIndex((m) => m.role === "assistant");

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
        <div className="relative flex min-h-0 flex-1 flex-col">
          <div ref={scroller} className="min-h-0 flex-1 overflow-y-auto" aria-live="polite" aria-busy={busy}>
            <div className="mx-auto flex max-w-3xl flex-col gap-6 px-4 py-6">
              {older ? (
                <div className="text-center">
                  <button
                    type="button"
                    onClick={() => void loadOlder()}
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
                  onEdit={
                    !busy && i === lastUser
                      ? (text) => void sendMessage({ text, messageId: m.id, metadata: m.metadata })
                      : undefined
                  }
                  onRegenerate={
                    !busy && i === lastAssistant && i === messages.length - 1 ? () => void regenerate() : undefined
                  }
                  onContinue={
                    !busy && i === lastAssistant && i === messages.length - 1 && textOf(m)
                      ? () => void regenerate({ messageId: m.id, body: { continueFrom: m.id } })
                      : undefined
                  }
                />
              ))}
              {status === "submitted" && messages.at(-1)?.role === "user" ? (
                <p className="animate-pulse text-sm text-neutral-500 dark:text-neutral-400">{t("thinking")}</p>
              ) : null}
              <div ref={bottom} />
            </div>
          </div>
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
        {sendError ? (
          <p role="alert" className="mx-auto w-full max-w-3xl px-4 text-sm text-red-700 dark:text-red-300">
            {sendError}
          </p>
        ) : null}
        <AttachmentTray files={files} />
        <ContextMeter model={model} tokens={promptTokens} hasFiles={files.files.length > 0} onSwitch={chooseModel} />
        <Composer
          text={draft}
          onTextChange={setDraft}
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
