"use client";

import { Paperclip } from "lucide-react";
import { useTranslations } from "next-intl";
import { useRef } from "react";
import { Button } from "@/components/ui/button";
import { ACCEPT } from "@/lib/attachments/limits";
import type { Attachments } from "./use-attachments";

/**
 * "Attach files": a button that opens the file picker, and the file input itself (labelled the same, kept
 * out of sight and out of the accessibility tree so there is one control to reach; tests set files on it).
 */
export function AttachButton({ files, disabled }: { files: Attachments; disabled?: boolean }) {
  const t = useTranslations("attachments");
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <Button
        variant="ghost"
        size="icon"
        className="h-10 w-10"
        title={t("attach")}
        disabled={disabled}
        onClick={() => input.current?.click()}
      >
        <Paperclip size={16} aria-hidden />
        <span className="sr-only">{t("attach")}</span>
      </Button>
      <input
        ref={input}
        type="file"
        multiple
        accept={ACCEPT}
        aria-label={t("attach")}
        className="hidden"
        tabIndex={-1}
        onChange={(e) => {
          files.add(e.target.files);
          // The same file can be picked again after it was removed.
          e.target.value = "";
        }}
      />
    </>
  );
}
