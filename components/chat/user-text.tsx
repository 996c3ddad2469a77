"use client";

import { useTranslations } from "next-intl";
import { useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { contentLang } from "@/lib/i18n/content-lang";

/** Past these, a message of the user's is shown folded (a pasted log or document would fill many screens). */
const LONG_CHARS = 3000;
const LONG_LINES = 30;
/** What a folded message renders: more than its folded height shows, far less than a 200,000-character paste. */
const FOLDED_CHARS = 6000;

function isLong(text: string): boolean {
  if (text.length > LONG_CHARS) return true;
  let lines = 1;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) if (++lines > LONG_LINES) return true;
  return false;
}

/** A message the user wrote, as they wrote it; a long one folded to a few lines with Show more / Show less. */
export function UserText({ text }: { text: string }) {
  const t = useTranslations("chat");
  const id = useId();
  const [open, setOpen] = useState(false);
  const long = isLong(text);
  const folded = long && !open;
  return (
    <div className="flex max-w-[85%] flex-col items-end gap-1">
      <div
        id={id}
        lang={contentLang(text)}
        className={cn(
          // max-w-full and wrap-anywhere: a long URL or hash wraps inside the bubble. With break-words alone it
          // set the bubble's width, and in this right-aligned column the bubble grew off the page's left edge.
          "max-w-full whitespace-pre-wrap wrap-anywhere rounded-2xl bg-neutral-100 px-4 py-2 text-sm dark:bg-neutral-800",
          folded && "max-h-72 overflow-hidden [mask-image:linear-gradient(to_bottom,black_70%,transparent)]",
        )}
      >
        {folded ? text.slice(0, FOLDED_CHARS) : text}
      </div>
      {long ? (
        <Button variant="ghost" size="sm" aria-expanded={open} aria-controls={id} onClick={() => setOpen(!open)}>
          {open ? t("showLess") : t("showMore")}
        </Button>
      ) : null}
    </div>
  );
}
