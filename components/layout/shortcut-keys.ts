/**
 * The keyboard shortcuts people know from ChatGPT, in one table: the help dialog lists it, the handlers match
 * against it. "Mod" is ⌘ on a Mac and Ctrl elsewhere.
 */
export type ShortcutId = "newChat" | "focusComposer" | "copyLastReply" | "showShortcuts";

export const SHORTCUTS: { id: ShortcutId; mod: boolean; shift: boolean; key: string; label: string }[] = [
  { id: "newChat", mod: true, shift: true, key: "o", label: "O" },
  { id: "focusComposer", mod: false, shift: true, key: "escape", label: "Esc" },
  { id: "copyLastReply", mod: true, shift: true, key: "c", label: "C" },
  { id: "showShortcuts", mod: true, shift: false, key: "/", label: "/" },
];

export const isMac = () => typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform);

/** The shortcut a key press is, if any. An IME's composing keys and repeats are none. */
export function shortcutOf(e: KeyboardEvent): ShortcutId | undefined {
  if (e.isComposing || e.repeat || e.altKey) return undefined;
  const mod = isMac() ? e.metaKey && !e.ctrlKey : e.ctrlKey && !e.metaKey;
  const key = e.key.toLowerCase();
  return SHORTCUTS.find((s) => s.mod === mod && s.shift === e.shiftKey && s.key === key)?.id;
}

/**
 * A new chat asked for from the keyboard or the New chat link: its message box takes focus when it mounts. For
 * a few seconds, not once: the new page can mount twice (the navigation, then the refresh that gives it a new
 * id). A new chat reached any other way (after deleting the open one, say) leaves focus where it was put.
 */
let composerWantedUntil = 0;
export const wantComposerFocus = () => {
  composerWantedUntil = Date.now() + 3000;
};
export const composerFocusWanted = () => Date.now() < composerWantedUntil;

/** The chat's message box, wherever the page has it. */
export function focusComposer(): boolean {
  const box = document.getElementById("composer");
  box?.focus();
  return !!box;
}

/** Opens the shortcuts' list from a control (components/layout/keyboard-shortcuts.tsx listens). */
const SHOW_EVENT = "glm-chat:show-shortcuts";
export const showShortcuts = () => window.dispatchEvent(new Event(SHOW_EVENT));
export function onShowShortcuts(listener: () => void): () => void {
  window.addEventListener(SHOW_EVENT, listener);
  return () => window.removeEventListener(SHOW_EVENT, listener);
}
