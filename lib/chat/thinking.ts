import type { SourceUrlUIPart } from "ai";
import type { ConversationSettings, MessageSource, ModelThinking } from "@/db/schema";

/*
 * Thinking and web search in the chat, the pure half shared by the server (the turn, the reply's saving) and
 * the browser (the fold, the sources): no database and no server code here.
 */

/** Whether a model thinks: the catalogue's `thinking` (lib/models.ts ModelInfo). */
export type ThinkingMode = ModelThinking;

/** Zhipu's built-in search, asking for the sources back so the reply can list them. */
export const WEB_SEARCH_TOOL = { type: "web_search", web_search: { enable: true, search_result: true } } as const;

/** What a chat turn adds to its request besides the prompt and sampling settings. */
export interface TurnExtras {
  thinking?: { type: "enabled" | "disabled" };
  tools?: (typeof WEB_SEARCH_TOOL)[];
}

/**
 * The request fields a conversation's settings ask for. Thinking is sent only to models that think
 * optionally: Auto sends nothing (the model decides), and a model that always thinks would refuse "disabled";
 * a conversation moved to a model that does not think simply stops sending it.
 */
export function turnExtras(settings: ConversationSettings, mode: ThinkingMode | undefined): TurnExtras {
  const out: TurnExtras = {};
  if (mode === "optional" && settings.thinking === "on") out.thinking = { type: "enabled" };
  if (mode === "optional" && settings.thinking === "off") out.thinking = { type: "disabled" };
  if (settings.webSearch) out.tools = [WEB_SEARCH_TOOL];
  return out;
}

/** Settings keep Web search only when it is on (as with every other setting, off is its absence). */
export function withWebSearch({ webSearch: _was, ...rest }: ConversationSettings, on: boolean): ConversationSettings {
  return on ? { ...rest, webSearch: true } : rest;
}

/**
 * How long a reply thought: from its first reasoning token to its first answer token (or to the end, when it
 * stopped while still thinking). `at` is injectable for tests.
 */
export class ReasoningTimer {
  private startedAt: number | undefined;
  private ms: number | undefined;

  constructor(private readonly at: () => number = Date.now) {}

  /** A reasoning token arrived: the first one starts the clock. */
  reasoning(): void {
    if (this.startedAt === undefined && this.ms === undefined) this.startedAt = this.at();
  }

  /** The answer began (or the reply ended): the thinking time, once; undefined when it did not think. */
  stop(): number | undefined {
    if (this.startedAt === undefined) return undefined;
    this.ms = Math.max(0, Math.round(this.at() - this.startedAt));
    this.startedAt = undefined;
    return this.ms;
  }

  get elapsed(): number | undefined {
    return this.ms;
  }
}

/** Whole seconds for "Thought for N s"; under a second is "a moment" (null), the same in every language. */
export function thoughtSeconds(ms: number): number | null {
  return ms < 1000 ? null : Math.round(ms / 1000);
}

/** The site a source names: the search's own name for it (Zhipu's `media`), else the link's host. */
export function siteOf(url: string, media?: string): string {
  if (media?.trim()) return media.trim();
  try {
    return new URL(url).host.replace(/^www\./, "");
  } catch {
    return "";
  }
}

/** Only http(s) links are shown or saved (a `javascript:` link from upstream must never become a link). */
export const isWebLink = (url: string) => /^https?:\/\//i.test(url);

/** A UI message's `source-url` part, as the AI SDK keeps it; our site and date ride in providerMetadata.glm. */
export type SourceUrlPart = SourceUrlUIPart;

/** The source parts a reply is shown and saved with (reload, share page, export). */
export function sourcePartsOf(sources: MessageSource[] | null | undefined): SourceUrlPart[] {
  return (sources ?? [])
    .filter((s) => isWebLink(s.url))
    .map((s, i) => ({
      type: "source-url",
      sourceId: `src_${i}`,
      url: s.url,
      title: s.title,
      providerMetadata: {
        glm: { ...(s.site ? { site: s.site } : {}), ...(s.publishedAt ? { publishedAt: s.publishedAt } : {}) },
      },
    }));
}

/** Control characters out of a label (PostgreSQL's jsonb refuses U+0000, and none belongs in a link's title). */
const label = (s: string | undefined) => s?.replace(/[\u0000-\u001f\u007f]+/g, " ").trim() ?? "";

/** A source part back as the saved shape: the title falls back to the site, the site to the link's host. */
export function sourceOfPart(p: Omit<SourceUrlPart, "type" | "sourceId">): MessageSource {
  const glm = p.providerMetadata?.glm ?? {};
  const site = label(siteOf(p.url, typeof glm.site === "string" ? label(glm.site) : undefined));
  const out: MessageSource = { url: p.url, title: label(p.title) || site || p.url };
  if (site) out.site = site;
  if (typeof glm.publishedAt === "string") out.publishedAt = glm.publishedAt;
  return out;
}

/** The parts of a UI message that are its reasoning and sources, for the views. */
export function extrasOf(parts: readonly { type: string }[]): {
  reasoning: string;
  reasoningStreaming: boolean;
  sources: MessageSource[];
} {
  let reasoning = "";
  let reasoningStreaming = false;
  const sources: MessageSource[] = [];
  for (const part of parts) {
    if (part.type === "reasoning") {
      const r = part as unknown as { text: string; state?: string };
      reasoning += r.text;
      reasoningStreaming ||= r.state === "streaming";
    } else if (part.type === "source-url") {
      const s = part as unknown as SourceUrlPart;
      if (isWebLink(s.url) && !sources.some((x) => x.url === s.url)) sources.push(sourceOfPart(s));
    }
  }
  return { reasoning, reasoningStreaming, sources };
}
