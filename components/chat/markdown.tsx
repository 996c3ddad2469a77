"use client";

import { useTranslations } from "next-intl";
import { memo } from "react";
import ReactMarkdown from "react-markdown";
import remarkGfm from "remark-gfm";
import { CopyButton } from "./copy-button";
import { rehypeSharedHighlight } from "./highlight";
import { contentLang } from "@/lib/i18n/content-lang";
import { MarkdownImage } from "./markdown-image";

/**
 * Markdown as people expect from a chat (GFM tables and lists, highlighted code with a copy button).
 * Raw HTML is never interpreted: react-markdown shows it as text unless rehype-raw is added, and it is not.
 * Images from other hosts are never fetched: they show as a link (MarkdownImage).
 */
const PLUGINS = [rehypeSharedHighlight];
const REMARK = [remarkGfm];

export const Markdown = memo(function Markdown({ text }: { text: string }) {
  const t = useTranslations("chat");
  return (
    <div className="prose-chat" lang={contentLang(text)}>
      <ReactMarkdown
        remarkPlugins={REMARK}
        rehypePlugins={PLUGINS}
        components={{
          pre({ children, node }) {
            const code = node?.children?.[0];
            const raw =
              code && "children" in code ? code.children.map((c) => ("value" in c ? c.value : "")).join("") : "";
            const cls =
              code && "properties" in code
                ? String((code.properties?.className as string[] | undefined)?.join(" ") ?? "")
                : "";
            const lang = /language-(\S+)/.exec(cls)?.[1];
            return (
              <div className="group/code relative my-3 overflow-hidden rounded-lg border border-neutral-200 dark:border-neutral-800">
                <div className="flex items-center justify-between bg-neutral-100 px-3 py-1 text-xs text-neutral-600 dark:bg-neutral-900 dark:text-neutral-400">
                  <span>{lang ?? t("code")}</span>
                  <CopyButton text={textFromHast(code) || raw} label={t("copyCode")} />
                </div>
                <pre className="overflow-x-auto p-3 text-sm">{children}</pre>
              </div>
            );
          },
          img: ({ src, alt }) => <MarkdownImage src={src} alt={alt} fallback={t("image")} />,
          a: ({ children, href }) => (
            <a href={href} target="_blank" rel="noopener noreferrer nofollow" className="underline">
              {children}
            </a>
          ),
        }}
      >
        {text}
      </ReactMarkdown>
    </div>
  );
});

type HastNode = { type?: string; value?: string; children?: HastNode[] } | undefined;
function textFromHast(node: HastNode): string {
  if (!node) return "";
  if (node.type === "text") return node.value ?? "";
  return (node.children ?? []).map(textFromHast).join("");
}
