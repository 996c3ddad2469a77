"use client";

import { X } from "lucide-react";
import { useTranslations } from "next-intl";
import { formatBytes, MAX_BYTES, MAX_FILES } from "@/lib/attachments/limits";
import { AttachmentChip } from "./attachment-chip";
import type { Attachments, FileRefusal } from "./use-attachments";

/** The composer's files (chips with Remove) and, for each file refused, a message naming it and the limit. */
export function AttachmentTray({ files }: { files: Attachments }) {
  const t = useTranslations("attachments");
  const te = useTranslations("errors");
  if (!files.files.length && !files.refusals.length) return null;
  /** Why an upload failed, in the reader's language whenever the app knows the words. */
  const reasonOf = (r: FileRefusal) => {
    if (r.reasonKey && te.has(r.reasonKey as never)) return te(r.reasonKey as never);
    if (r.status === 0) return te("serverUnreachable");
    if (r.status === 413) return t("uploadTooLargeForServer");
    if (r.status) return t("uploadStatus", { status: r.status });
    return r.reason ?? "";
  };
  return (
    <div className="mx-auto w-full max-w-3xl space-y-2 px-3 pt-2">
      {files.refusals.map((r) => (
        <p
          key={r.key}
          role="alert"
          className="flex items-start gap-2 rounded-md border border-red-200 bg-red-50 px-3 py-1.5 text-sm text-red-700 dark:border-red-900 dark:bg-red-950 dark:text-red-200"
        >
          <span className="flex-1">
            {t(`errors.${r.problem}`, {
              name: r.name,
              max: r.problem === "too_many" ? String(MAX_FILES) : formatBytes(MAX_BYTES),
              reason: reasonOf(r),
            })}
          </span>
          <button type="button" aria-label={t("dismiss")} onClick={() => files.dismiss(r.key)}>
            <X size={14} aria-hidden />
          </button>
        </p>
      ))}
      {files.files.length ? (
        // On a phone, two chips a line, and past two lines the tray scrolls (the third shows in part): ten files would
        // otherwise push the conversation off the screen.
        <ul
          aria-label={t("attachedFiles")}
          className="flex flex-wrap gap-2 max-sm:max-h-[5.75rem] max-sm:overflow-y-auto max-sm:overscroll-contain"
        >
          {files.files.map((f) => (
            <li key={f.key} className="max-w-full max-sm:max-w-[calc(50%-0.25rem)]">
              <AttachmentChip
                id={f.state === "ready" ? f.info.id : undefined}
                name={f.name}
                size={f.size}
                pages={f.state === "ready" ? f.info.pages : null}
                uploading={f.state === "uploading"}
                onRemove={() => files.remove(f.key)}
              />
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
