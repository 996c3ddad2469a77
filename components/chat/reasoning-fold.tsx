"use client";

import { Brain, ChevronRight } from "lucide-react";
import { useTranslations } from "next-intl";
import { useId, useState } from "react";
import { cn } from "@/components/ui/cn";
import { thoughtSeconds } from "@/lib/chat/thinking";
import { contentLang } from "@/lib/i18n/content-lang";

/**
 * A reply's reasoning, folded under one button: "Thinking…" while it streams (it can be opened to watch),
 * then "Thought for N s" (N from the saved thinking time). Closed by default: the answer is what people read.
 * Plain text, set apart as secondary: reasoning is a draft, and its Markdown is often half-formed.
 */
export function ReasoningFold({ text, streaming, ms }: { text: string; streaming: boolean; ms?: number | null }) {
  const t = useTranslations("thinking");
  const [open, setOpen] = useState(false);
  const panel = useId();
  const seconds = ms == null ? undefined : thoughtSeconds(ms);
  const label = streaming
    ? t("thinkingNow")
    : seconds === undefined
      ? t("thought")
      : seconds === null
        ? t("thoughtMoment")
        : t("thoughtFor", { seconds });
  return (
    <div className="text-sm">
      <button
        type="button"
        aria-expanded={open}
        aria-controls={panel}
        onClick={() => setOpen(!open)}
        className="inline-flex items-center gap-1 rounded-md px-1.5 py-0.5 text-xs text-neutral-500 hover:bg-neutral-100 hover:text-neutral-800 focus-visible:outline-2 focus-visible:outline-blue-500 dark:text-neutral-400 dark:hover:bg-neutral-800 dark:hover:text-neutral-200"
      >
        <Brain size={13} aria-hidden className={cn(streaming && "animate-pulse")} />
        {label}
        <ChevronRight size={13} aria-hidden className={cn("transition-transform", open && "rotate-90")} />
      </button>
      <div
        id={panel}
        hidden={!open}
        lang={contentLang(text)}
        className="mt-1 max-h-96 overflow-y-auto whitespace-pre-wrap wrap-anywhere border-l-2 border-neutral-200 pl-3 text-xs leading-relaxed text-neutral-500 dark:border-neutral-700 dark:text-neutral-400"
      >
        {text}
      </div>
    </div>
  );
}
