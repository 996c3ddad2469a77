import { DefaultChatTransport } from "ai";
import { type RefObject, useMemo } from "react";
import type { ChatUIMessage, ConversationSettings } from "@/lib/chat/types";

/** What a send reads at the moment it is made (the transport is created once per conversation). */
export interface LiveChoices {
  model: string;
  settings: ConversationSettings;
  /** The conversation exists on the server (its first message was accepted). */
  saved: boolean;
}

/**
 * POST /api/chat with only the new message (the server has the thread), the model chosen now, and a new
 * conversation's settings with its first message.
 */
export function useChatTransport(live: RefObject<LiveChoices>) {
  return useMemo(
    () =>
      new DefaultChatTransport<ChatUIMessage>({
        api: "/api/chat",
        prepareSendMessagesRequest: ({ id, messages, trigger, messageId, body }) => ({
          body: {
            ...body,
            id,
            trigger,
            messageId,
            model: live.current.model,
            message: trigger === "submit-message" ? messages.at(-1) : undefined,
            settings: live.current.saved ? undefined : live.current.settings,
            webSearch: !!live.current.settings.webSearch,
          },
        }),
      }),
    [live],
  );
}
