"use client";

import { Download } from "lucide-react";
import { useTranslations } from "next-intl";
import { DropdownMenu as M } from "radix-ui";
import { download } from "@/components/settings/data-download";
import { Button } from "@/components/ui/button";

const item =
  "cursor-default rounded px-2 py-1.5 text-sm outline-none data-[highlighted]:bg-neutral-100 dark:data-[highlighted]:bg-neutral-800";

/** The conversation header's Export menu: the conversation as Markdown or as a JSON archive (a download). */
export function ExportMenu({ conversationId }: { conversationId: string }) {
  const t = useTranslations("data.export");
  const href = (format: "md" | "json") =>
    `/api/conversations/${encodeURIComponent(conversationId)}/export?format=${format}`;
  return (
    <M.Root modal={false}>
      <M.Trigger asChild>
        <Button variant="ghost" size="sm">
          {/* On a phone the header is crowded: the icon alone, the name still read out. */}
          <Download size={14} aria-hidden /> <span className="sr-only sm:not-sr-only">{t("button")}</span>
        </Button>
      </M.Trigger>
      <M.Portal>
        <M.Content
          align="end"
          sideOffset={4}
          className="z-50 min-w-32 rounded-md border border-neutral-200 bg-white p-1 shadow-lg dark:border-neutral-800 dark:bg-neutral-900"
        >
          <M.Item className={item} onSelect={() => download(href("md"))}>
            {t("markdown")}
          </M.Item>
          <M.Item className={item} onSelect={() => download(href("json"))}>
            {t("json")}
          </M.Item>
        </M.Content>
      </M.Portal>
    </M.Root>
  );
}
