import { textOf, type ChatUIMessage } from "@/lib/chat/types";
import { estimatePromptTokens } from "@/lib/tokens";

/** A turn asked for from a message's buttons rather than the composer. */
export type RedoTurn =
  | { kind: "regenerate" }
  | { kind: "continue" }
  | { kind: "edit"; messageId: string; text: string };

/**
 * The prompt such a turn would send, estimated as the composer's meter estimates Send (usePromptTokens): so the
 * chat refuses it in the browser when the model's context cannot take it, as it holds back Send, instead of
 * trading a good reply for the model service's refusal. Regenerate sends the thread up to the last question
 * (the reply it replaces goes); Continue sends all of it; an edit sends the thread before the message, then
 * the new text with the message's own documents.
 */
export function redoTokens(messages: readonly ChatUIMessage[], system: string | undefined, turn: RedoTurn): number {
  let sent: { text: string; fileTokens: number }[];
  if (turn.kind === "edit") {
    const at = messages.findIndex((m) => m.id === turn.messageId);
    const before = at < 0 ? messages : messages.slice(0, at);
    sent = [...before.map(counted), { text: turn.text, fileTokens: at < 0 ? 0 : fileTokens(messages[at]) }];
  } else if (turn.kind === "regenerate") {
    sent = messages.slice(0, messages.findLastIndex((m) => m.role === "user") + 1).map(counted);
  } else sent = messages.map(counted);
  return estimatePromptTokens({ system, messages: sent });
}

const fileTokens = (m: ChatUIMessage) => (m.metadata?.attachments ?? []).reduce((n, f) => n + f.tokens, 0);
const counted = (m: ChatUIMessage) => ({ text: textOf(m), fileTokens: fileTokens(m) });
