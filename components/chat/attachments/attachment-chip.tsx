"use client";

import { FileText, Loader2, X } from "lucide-react";
import { useLocale, useTranslations } from "next-intl";
import { useId, useState } from "react";
import { formatBytes } from "@/lib/attachments/limits";
import { AttachmentViewer } from "./attachment-viewer";

/**
 * One document: a group named by its file name, whose name opens the extracted text, with its size and
 * pages; "Remove" while it is still in the composer.
 */
export function AttachmentChip({
  id,
  name,
  size,
  pages,
  uploading,
  onRemove,
}: {
  /** Absent while uploading (nothing to open yet). */
  id?: string;
  name: string;
  size: number;
  pages?: number | null;
  uploading?: boolean;
  onRemove?: () => void;
}) {
  const t = useTranslations("attachments");
  const locale = useLocale();
  const [open, setOpen] = useState(false);
  const detailsId = useId();
  const details = [formatBytes(size, locale), pages ? t("pages", { count: pages }) : null].filter(Boolean).join(" · ");
  return (
    // biome-ignore lint/a11y/useSemanticElements: a chip, not a form's fieldset; the group carries the file's name
    <div
      role="group"
      aria-label={name}
      aria-busy={uploading || undefined}
      className="flex max-w-full items-center gap-1.5 rounded-lg border border-neutral-300 bg-white py-1 pl-2 pr-1 text-xs dark:border-neutral-700 dark:bg-neutral-900"
    >
      {uploading ? (
        <Loader2 size={14} className="shrink-0 animate-spin" aria-hidden />
      ) : (
        <FileText size={14} className="shrink-0" aria-hidden />
      )}
      {id ? (
        <button
          type="button"
          className="min-w-12 truncate font-medium hover:underline"
          aria-describedby={detailsId}
          onClick={() => setOpen(true)}
        >
          {name}
        </button>
      ) : (
        <span className="min-w-12 truncate font-medium">{uploading ? t("uploading", { name }) : name}</span>
      )}
      {/* Both give way on a narrow chip (a phone's two a line): the details no longer keep their whole width
          while the name shrinks to "sm…". */}
      <span id={detailsId} className="min-w-0 truncate text-neutral-500 dark:text-neutral-400">
        {details}
      </span>
      {onRemove ? (
        <button
          type="button"
          aria-label={t("remove")}
          title={t("remove")}
          onClick={onRemove}
          className="rounded p-0.5 hover:bg-neutral-100 dark:hover:bg-neutral-800"
        >
          <X size={14} aria-hidden />
        </button>
      ) : null}
      {id ? <AttachmentViewer id={id} name={name} open={open} onOpenChange={setOpen} /> : null}
    </div>
  );
}
