/** The chat tells the sidebar that a conversation was created or changed, so its list refreshes. */
const EVENT = "glm:conversations-changed";

export const notifyConversationsChanged = () => window.dispatchEvent(new Event(EVENT));

export function onConversationsChanged(listener: () => void): () => void {
  window.addEventListener(EVENT, listener);
  return () => window.removeEventListener(EVENT, listener);
}
