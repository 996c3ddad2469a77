import "server-only";

/**
 * What thinking models add to a reply: reasoning text before the answer, and Zhipu's web-search sources.
 * Zhipu's thinking models send reasoning as `reasoning_content`; some OpenAI-compatible servers (and older
 * models) put it inside `content` as `<think>…</think>` first. ThinkSplitter turns the latter into the former,
 * so clients always read one field.
 */

const OPEN = "<think>";
const CLOSE = "</think>";

/** Splits streamed content into reasoning (inside a leading `<think>` block) and the answer. */
export class ThinkSplitter {
  /** "start": nothing decided yet; "think": inside the block; "after": past it, the tags' newlines trimmed; "plain": no block. */
  private state: "start" | "think" | "after" | "plain" = "start";
  private held = "";
  /** Whether the block's text has begun (its first newline is dropped). */
  private started = false;

  /** Feeds a piece of content; returns what it decides so far (reasoning first, then answer). */
  push(text: string): { reasoning: string; content: string } {
    if (this.state === "plain") return { reasoning: "", content: text };
    let s = this.held + text;
    this.held = "";
    let reasoning = "";
    let content = "";
    if (this.state === "start") {
      const lead = s.length - s.trimStart().length;
      const rest = s.slice(lead);
      if (rest.length < OPEN.length && OPEN.startsWith(rest)) {
        this.held = s; // "<thi" — wait for the next piece
        return { reasoning, content };
      }
      if (!rest.startsWith(OPEN)) {
        this.state = "plain";
        return { reasoning, content: s };
      }
      this.state = "think";
      s = rest.slice(OPEN.length);
    }
    if (this.state === "think") {
      // The newlines that only frame the block ("<think>\n…\n</think>") are not reasoning.
      if (!this.started) {
        s = s.replace(/^\n/, "");
        this.started = s.length > 0;
      }
      const end = s.indexOf(CLOSE);
      if (end === -1) {
        // Hold back what could be the start of "\n</think>".
        const keep = partialSuffix(s, `\n${CLOSE}`);
        this.held = s.slice(s.length - keep);
        return { reasoning: s.slice(0, s.length - keep), content };
      }
      reasoning = s.slice(0, end).replace(/\n$/, "");
      s = s.slice(end + CLOSE.length);
      this.state = "after";
    }
    if (this.state === "after") {
      const trimmed = s.replace(/^\n+/, "");
      if (!trimmed) return { reasoning, content };
      this.state = "plain";
      content = trimmed;
    }
    return { reasoning, content };
  }

  /** What was held back at the end of the stream (an unclosed block stays reasoning). */
  flush(): { reasoning: string; content: string } {
    const held = this.held;
    this.held = "";
    if (!held) return { reasoning: "", content: "" };
    return this.state === "think" ? { reasoning: held, content: "" } : { reasoning: "", content: held };
  }
}

/** How many trailing characters of `s` are a proper prefix of `tag`. */
function partialSuffix(s: string, tag: string): number {
  for (let n = Math.min(tag.length - 1, s.length); n > 0; n--) if (s.endsWith(tag.slice(0, n))) return n;
  return 0;
}

/** Splits a whole (non-streamed) content into reasoning and answer. */
export function splitThink(content: string): { reasoning: string; content: string } {
  const splitter = new ThinkSplitter();
  const a = splitter.push(content);
  const b = splitter.flush();
  return { reasoning: a.reasoning + b.reasoning, content: a.content + b.content };
}

/** One web-search source, as Zhipu sends it (every field optional there). */
export interface WebSource {
  title: string;
  link?: string;
  media?: string;
  refer?: string;
  content?: string;
  icon?: string;
  publish_date?: string;
}

const FIELDS = ["title", "link", "media", "refer", "content", "icon", "publish_date"] as const;

/**
 * Zhipu's `web_search` array, kept to its string fields. A link that is empty or not http(s) is dropped (the
 * source stays, without a link: Zhipu sometimes sends ""), and so is anything that is not an object.
 */
export function webSources(raw: unknown): WebSource[] | null {
  if (!Array.isArray(raw)) return null;
  const out: WebSource[] = [];
  for (const item of raw) {
    if (!item || typeof item !== "object") continue;
    const src: Record<string, string> = {};
    for (const f of FIELDS) {
      const v = (item as Record<string, unknown>)[f];
      if (typeof v === "string" && v.trim()) src[f] = v;
    }
    if (src.link && !/^https?:\/\//i.test(src.link)) delete src.link;
    for (const f of ["icon"] as const) if (src[f] && !/^https?:\/\//i.test(src[f])) delete src[f];
    out.push({ ...src, title: src.title ?? src.link ?? src.media ?? "" } as WebSource);
  }
  return out;
}
