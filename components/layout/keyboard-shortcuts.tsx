"use client";

import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { useNewChat } from "./new-chat";
import { focusComposer, isMac, onShowShortcuts, SHORTCUTS, shortcutOf } from "./shortcut-keys";

/**
 * The app's keyboard shortcuts, wherever the chat layout is: a new chat, the message box, and this list
 * (the last reply's copy is the conversation's own: components/chat/use-copy-last-reply.ts).
 */
export function KeyboardShortcuts() {
  const t = useTranslations("shortcuts");
  const startNewChat = useNewChat();
  const [open, setOpen] = useState(false);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const id = shortcutOf(e);
      if (id === "newChat") {
        e.preventDefault();
        startNewChat();
      } else if (id === "focusComposer") {
        if (focusComposer()) e.preventDefault();
      } else if (id === "showShortcuts") {
        e.preventDefault();
        setOpen((o) => !o);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [startNewChat]);
  useEffect(() => onShowShortcuts(() => setOpen(true)), []);

  const mod = isMac() ? "⌘" : "Ctrl";
  return (
    <Dialog open={open} onOpenChange={setOpen} title={t("title")}>
      <table className="mt-3 w-full text-sm">
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.id} className="border-b border-neutral-100 last:border-0 dark:border-neutral-800">
              <th scope="row" className="py-2 pr-3 text-left font-normal">
                {t(s.id)}
              </th>
              <td className="whitespace-nowrap py-2 text-right">
                {[...(s.mod ? [mod] : []), ...(s.shift ? ["Shift"] : []), s.label].map((k, i) => (
                  <span key={k}>
                    {i > 0 ? <span className="mx-0.5 text-neutral-400">+</span> : null}
                    <kbd className="rounded border border-neutral-300 bg-neutral-50 px-1.5 py-0.5 font-mono text-xs dark:border-neutral-700 dark:bg-neutral-800">
                      {k}
                    </kbd>
                  </span>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="mt-4 flex justify-end">
        <Button variant="secondary" onClick={() => setOpen(false)}>
          {t("close")}
        </Button>
      </div>
    </Dialog>
  );
}
