"use client";

import { useDeferredValue, useMemo } from "react";
import type { AttachmentInfo } from "@/lib/attachments/limits";
import { textOf, type ChatUIMessage } from "@/lib/chat/types";
import { estimatePromptTokens } from "@/lib/tokens";

const fileTokens = (files: readonly AttachmentInfo[] | undefined) => (files ?? []).reduce((n, f) => n + f.tokens, 0);

/**
 * The next turn's prompt, estimated: the conversation's messages (with their documents), the system prompt,
 * and the message being written with its files. Deferred, so typing stays smooth in a long conversation.
 */
export function usePromptTokens(
  messages: ChatUIMessage[],
  draft: string,
  files: readonly AttachmentInfo[],
  system: string | undefined,
): number {
  const history = useMemo(
    () =>
      estimatePromptTokens({
        system,
        messages: messages.map((m) => ({ text: textOf(m), fileTokens: fileTokens(m.metadata?.attachments) })),
      }),
    [messages, system],
  );
  const text = useDeferredValue(draft);
  return history + estimatePromptTokens({ messages: [{ text, fileTokens: fileTokens(files) }] });
}
