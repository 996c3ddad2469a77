import type { KeyboardEvent } from "react";

/**
 * Enter sends a message (Shift+Enter is a new line), in the composer and when editing a message. An Enter that
 * confirms an IME candidate (Chinese, Japanese) is not a send: isComposing, or Safari's keyCode 229.
 */
export const isSendKey = (e: KeyboardEvent<HTMLTextAreaElement>) =>
  e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing && e.keyCode !== 229;
