"use client";

import { Share2 } from "lucide-react";
import { useFormatter, useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";
import { createShareAction, getShareAction, stopSharingAction, updateShareAction } from "@/app/(chat)/share-actions";
import type { ShareInfo } from "@/lib/chat/types";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { CopyButton } from "@/components/chat/copy-button";
import { useReach } from "@/components/ui/use-reach";

/** Share: a snapshot link the owner can copy, refresh to the current conversation, or stop. */
export function ShareDialog({ conversationId }: { conversationId: string }) {
  const t = useTranslations("share");
  const reach = useReach();
  const format = useFormatter();
  const when = (ms: number) => format.dateTime(new Date(ms), { dateStyle: "medium", timeStyle: "short" });
  const [open, setOpen] = useState(false);
  const [share, setShare] = useState<ShareInfo | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  /**
   * Where the focus goes once the dialog's body has changed under it: the dialog opens on "Loading…" (so Radix
   * put the focus on Close), and Create link and Stop sharing each take away the button that was pressed.
   */
  const primary = useRef<HTMLElement | null>(null);
  const refocus = useRef(false);
  useEffect(() => {
    if (share === undefined || !refocus.current) return;
    refocus.current = false;
    primary.current?.focus();
  }, [share]);

  async function run<T>(
    action: () => Promise<{ ok: true; data: T } | { ok: false; error: string }>,
    done: (data: T) => void,
  ) {
    setBusy(true);
    setError(null);
    const r = await reach(action());
    setBusy(false);
    if (r.ok) done(r.data);
    else setError(r.error);
  }

  function openDialog() {
    setOpen(true);
    setNote(null);
    setShare(undefined);
    refocus.current = true;
    void run(() => getShareAction({ conversationId }), setShare);
  }
  const refocusing =
    <T,>(done: (data: T) => void) =>
    (data: T) => {
      refocus.current = true;
      done(data);
    };

  const url = share ? `${window.location.origin}/share/${share.id}` : "";
  return (
    <>
      <Button variant="ghost" size="sm" onClick={openDialog}>
        <Share2 size={14} aria-hidden /> {t("share")}
      </Button>
      <Dialog open={open} onOpenChange={setOpen} title={t("title")} description={t("description")}>
        {share === undefined ? (
          <p className="text-sm text-neutral-500 dark:text-neutral-400">{t("loading")}</p>
        ) : share === null ? (
          <Button
            ref={(el) => {
              primary.current = el;
            }}
            busy={busy}
            onClick={() => void run(() => createShareAction({ conversationId }), refocusing(setShare))}
          >
            {t("createLink")}
          </Button>
        ) : (
          <div className="space-y-3">
            <div className="flex gap-2">
              <label htmlFor="share-link" className="sr-only">
                {t("shareLink")}
              </label>
              <Input
                id="share-link"
                ref={(el) => {
                  primary.current = el;
                }}
                readOnly
                value={url}
                onFocus={(e) => e.currentTarget.select()}
              />
              <CopyButton text={url} label={t("copyLink")} />
            </div>
            <p className="text-xs text-neutral-500 dark:text-neutral-400">
              {t("shared", { date: when(share.createdAt) })}
              {share.updatedAt > share.createdAt + 1000 ? t("updated", { date: when(share.updatedAt) }) : ""}
            </p>
            {note ? (
              <p role="status" className="text-sm text-green-700 dark:text-green-400">
                {note}
              </p>
            ) : null}
            <div className="flex flex-wrap justify-end gap-2">
              <Button
                variant="secondary"
                busy={busy}
                onClick={() =>
                  void run(
                    () => updateShareAction({ conversationId }),
                    (s) => {
                      setShare(s);
                      setNote(t("updatedNote"));
                    },
                  )
                }
              >
                {t("updateLink")}
              </Button>
              <Button
                variant="danger"
                busy={busy}
                onClick={() =>
                  void run(
                    () => stopSharingAction({ shareId: share.id }),
                    refocusing(() => {
                      setShare(null);
                      setNote(null);
                    }),
                  )
                }
              >
                {t("stopSharing")}
              </Button>
            </div>
          </div>
        )}
        {error ? (
          <p role="alert" className="mt-3 text-sm text-red-600">
            {error}
          </p>
        ) : null}
        {/* On a phone there is no Escape key: without this, only a tap beside the dialog closed it. */}
        <div className="mt-4 flex justify-end border-t border-neutral-200 pt-3 dark:border-neutral-800">
          <Button variant="ghost" size="sm" onClick={() => setOpen(false)}>
            {t("close")}
          </Button>
        </div>
      </Dialog>
    </>
  );
}
