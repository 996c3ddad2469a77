"use client";

import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";

type Loaded = { text: string; truncated: boolean } | "loading" | "failed";

/** The extracted text of a document, as the model reads it (fetched when opened). */
export function AttachmentViewer({
  id,
  name,
  open,
  onOpenChange,
}: {
  id: string;
  name: string;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const t = useTranslations("attachments");
  const [loaded, setLoaded] = useState<Loaded>("loading");
  useEffect(() => {
    if (!open) return;
    let live = true;
    setLoaded("loading");
    fetch(`/api/attachments/${encodeURIComponent(id)}`)
      .then((r) => (r.ok ? (r.json() as Promise<{ text: string; truncated: boolean }>) : Promise.reject()))
      .then(
        (body) => live && setLoaded({ text: body.text, truncated: body.truncated }),
        () => live && setLoaded("failed"),
      );
    return () => {
      live = false;
    };
  }, [id, open]);
  return (
    <Dialog open={open} onOpenChange={onOpenChange} title={name} className="max-w-3xl">
      {loaded === "loading" ? (
        <p className="text-sm text-neutral-500 dark:text-neutral-400">{t("viewerLoading")}</p>
      ) : loaded === "failed" ? (
        <p role="alert" className="text-sm text-red-700 dark:text-red-300">
          {t("viewerFailed")}
        </p>
      ) : (
        <>
          {loaded.truncated ? (
            <p className="mb-2 text-xs text-neutral-500 dark:text-neutral-400">{t("viewerTruncated")}</p>
          ) : null}
          <pre className="max-h-[60vh] overflow-auto whitespace-pre-wrap break-words rounded-md bg-neutral-50 p-3 text-xs dark:bg-neutral-950">
            {loaded.text}
          </pre>
        </>
      )}
      <div className="mt-4 flex justify-end">
        <Button variant="secondary" onClick={() => onOpenChange(false)}>
          {t("close")}
        </Button>
      </div>
    </Dialog>
  );
}
