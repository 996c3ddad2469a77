"use client";

import { Pencil, Trash2 } from "lucide-react";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { deleteConversationAction, renameConversationAction } from "@/app/(chat)/actions";
import type { ConversationListItem } from "@/lib/chat/types";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { Dialog, DialogActions } from "@/components/ui/dialog";
import { Input, Label } from "@/components/ui/input";
import { contentLang } from "@/lib/i18n/content-lang";
import { Highlighted } from "./highlighted";
import { useReach } from "@/components/ui/use-reach";

export function ConversationItem({
  item,
  query,
  onRenamed,
  onDeleted,
}: {
  item: ConversationListItem;
  /** What the search box asked, for a search result: marked in its snippet. */
  query?: string;
  onRenamed: (id: string, title: string) => void;
  onDeleted: (id: string) => void;
}) {
  const t = useTranslations("sidebar");
  const reach = useReach();
  const pathname = usePathname();
  const router = useRouter();
  const active = pathname === `/chat/${item.id}`;
  const [dialog, setDialog] = useState<"rename" | "delete" | null>(null);
  const [title, setTitle] = useState(item.title);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const close = () => {
    setDialog(null);
    setError(null);
  };
  async function rename(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    const r = await reach(renameConversationAction({ id: item.id, title }));
    setBusy(false);
    if (!r.ok) return setError(r.error);
    onRenamed(item.id, r.data.title);
    close();
    if (active) router.refresh();
  }
  async function remove() {
    setBusy(true);
    const r = await reach(deleteConversationAction({ id: item.id }));
    setBusy(false);
    if (!r.ok) return setError(r.error);
    onDeleted(item.id);
    close();
    if (active) router.push("/");
  }

  return (
    <li
      className={cn(
        "group relative flex items-center rounded-md",
        active ? "bg-neutral-200 dark:bg-neutral-800" : "hover:bg-neutral-100 dark:hover:bg-neutral-800/60",
      )}
    >
      <Link
        href={`/chat/${item.id}`}
        prefetch={false}
        aria-current={active ? "page" : undefined}
        // A search result is named by its title alone; the words around the match are its description.
        aria-labelledby={item.snippet ? `conversation-title-${item.id}` : undefined}
        aria-describedby={item.snippet ? `conversation-snippet-${item.id}` : undefined}
        lang={item.snippet ? undefined : contentLang(item.title)}
        className={cn(
          "min-w-0 flex-1 px-2 py-1.5 text-sm",
          !item.snippet && "truncate",
          active ? "pr-16" : "group-hover:pr-16 group-focus-within:pr-16 pointer-coarse:pr-16",
        )}
      >
        {item.snippet ? (
          <>
            <span id={`conversation-title-${item.id}`} lang={contentLang(item.title)} className="block truncate">
              {item.title}
            </span>
            <span
              id={`conversation-snippet-${item.id}`}
              lang={contentLang(item.snippet)}
              className="mt-0.5 line-clamp-2 break-words text-xs text-neutral-500 dark:text-neutral-400"
            >
              <Highlighted text={item.snippet} query={query ?? ""} />
            </span>
          </>
        ) : (
          item.title
        )}
      </Link>
      {/*
        Over the row's end, shown for the open conversation and on hover or focus: titles get the full width.
        A touch screen has no hover, so there they are always shown.
      */}
      <div
        className={cn(
          "absolute inset-y-0 right-0 flex items-center",
          !active &&
            "pointer-events-none opacity-0 group-focus-within:pointer-events-auto group-focus-within:opacity-100 group-hover:pointer-events-auto group-hover:opacity-100 pointer-coarse:pointer-events-auto pointer-coarse:opacity-100",
        )}
      >
        <Button
          variant="ghost"
          size="icon"
          // Named with the conversation: a screen reader's list of buttons read "Rename, Delete" over and over.
          aria-label={t("renameNamed", { title: item.title })}
          title={t("rename")}
          onClick={() => {
            setTitle(item.title);
            setDialog("rename");
          }}
        >
          <Pencil size={14} aria-hidden />
        </Button>
        <Button
          variant="ghost"
          size="icon"
          aria-label={t("deleteNamed", { title: item.title })}
          title={t("delete")}
          onClick={() => setDialog("delete")}
        >
          <Trash2 size={14} aria-hidden />
        </Button>
      </div>
      <Dialog open={dialog === "rename"} onOpenChange={(o) => !o && close()} title={t("renameTitle")}>
        <form onSubmit={rename} className="space-y-3">
          <div>
            <Label htmlFor={`title-${item.id}`}>{t("titleLabel")}</Label>
            <Input id={`title-${item.id}`} value={title} onChange={(e) => setTitle(e.target.value)} maxLength={120} />
          </div>
          {error ? (
            <p role="alert" className="text-sm text-red-600">
              {error}
            </p>
          ) : null}
          <DialogActions cancel={t("cancel")} submit={t("save")} onCancel={close} busy={busy} />
        </form>
      </Dialog>
      <Dialog
        open={dialog === "delete"}
        onOpenChange={(o) => !o && close()}
        title={t("deleteTitle")}
        description={t("deleteDescription", { title: item.title })}
      >
        {error ? (
          <p role="alert" className="mb-3 text-sm text-red-600">
            {error}
          </p>
        ) : null}
        <DialogActions
          danger
          cancel={t("cancel")}
          submit={t("delete")}
          onCancel={close}
          onConfirm={() => void remove()}
          busy={busy}
        />
      </Dialog>
    </li>
  );
}
