/**
 * A deterministic GLM-4 stand-in speaking Zhipu's wire format: replies and chunks without `object`,
 * usage in the last chunk next to finish_reason, whole tool calls in one delta. Used by the built-in
 * demo upstream and by the test stand-in server.
 */
import "server-only";
import { estimateTokens } from "@/lib/tokens";
import {
  demoReasoningText,
  demoReplyText,
  quoteOf,
  type ReplyLanguage,
  replyLanguage,
  streamPieces,
} from "./demo-text";
import { jsonModeReply } from "./json-mode";

interface SimMessage {
  role: string;
  content?: string | null;
  tool_call_id?: string;
}

interface SimTool {
  type?: string;
  function?: { name: string; parameters?: { properties?: Record<string, { type?: string; enum?: unknown[] }> } };
  web_search?: { enable?: boolean; search_result?: boolean };
}

export interface SimRequest {
  model: string;
  messages: SimMessage[];
  tools?: SimTool[];
  stream?: boolean;
  thinking?: { type?: string };
  response_format?: { type?: string };
}

/** What a thinking or searching reply adds: reasoning before the answer, sources, or a `<think>` block in content. */
interface SimExtras {
  reasoning?: string[];
  /** Send the reasoning inside `content` as `<think>…</think>` (older models, other servers) instead. */
  thinkTags?: boolean;
  sources?: Record<string, string>[];
}

export type SimReply =
  | ({ kind: "text"; words: string[] } & SimExtras)
  | ({ kind: "tool"; call: { id: string; name: string; arguments: string } } & SimExtras);

/** Markers in the last user message: [fixture:reasoning] thinks (as if thinking were enabled), [fixture:think-tags] thinks inside content. */
const fixture = (text: string) => /\[fixture:([\w-]+)\]/.exec(text)?.[1];

/** Two sources, one with the empty link Zhipu sometimes sends. */
const SOURCES: Record<string, string>[] = [
  {
    title: "GLM-4 model overview",
    link: "https://example.com/glm-4",
    media: "Example Docs",
    refer: "ref_1",
    content: "GLM-4 models and their context windows.",
    publish_date: "2026-01-15",
  },
  { title: "A source without a link", link: "", media: "Somewhere", refer: "ref_2", content: "Quoted text." },
];

function extras(req: SimRequest, userText: string): SimExtras {
  const out: SimExtras = {};
  const mark = fixture(userText);
  if (req.thinking?.type === "enabled" || mark === "reasoning" || mark === "think-tags") {
    const lang = replyLanguage(userText);
    out.reasoning = streamPieces(demoReasoningText(lang, userText.length), lang);
    out.thinkTags = mark === "think-tags";
  }
  const search = req.tools?.find((t) => t.type === "web_search");
  if (search && search.web_search?.enable !== false) out.sources = SOURCES;
  return out;
}

const lastOf = (msgs: SimMessage[], role: string) => [...msgs].reverse().find((m) => m.role === role);

/** A tool's arguments built from its JSON schema, filled from the user's words. */
function argumentsFor(tool: SimTool, userText: string): string {
  const args: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(tool.function?.parameters?.properties ?? {})) {
    if (schema.enum?.length) args[key] = schema.enum[0];
    else if (schema.type === "number" || schema.type === "integer") args[key] = 1;
    else if (schema.type === "boolean") args[key] = true;
    else args[key] = userText.slice(0, 40);
  }
  return JSON.stringify(args);
}

export function simulateReply(req: SimRequest, wordCount?: number): SimReply {
  const last = req.messages[req.messages.length - 1];
  const userText = (lastOf(req.messages, "user")?.content ?? "").trim();
  const more = extras(req, userText);
  const tool = req.tools?.find((t) => t.function);
  if (tool?.function && last?.role === "user") {
    return {
      kind: "tool",
      call: { id: `call_${hash(userText)}`, name: tool.function.name, arguments: argumentsFor(tool, userText) },
      ...more,
    };
  }
  let text: string;
  let lang: ReplyLanguage = "en";
  if (last?.role === "tool") {
    text = `The tool returned: ${last.content ?? ""}`;
  } else {
    // Documents arrive as <file name="…"> blocks before the typed text (lib/attachments/blocks.ts): named, not quoted.
    const files = [...userText.matchAll(/<file name="([^"]*)">/g)].map((m) => m[1]);
    const typed = userText.replace(/<file name="[^"]*">[\s\S]*?<\/file>\s*/g, "").trim();
    lang = replyLanguage(typed);
    text = demoReplyText(lang, req.model, quoteOf(typed), files);
  }
  if (req.response_format?.type === "json_object") {
    text = jsonModeReply(lastOf(req.messages, "system")?.content ?? "", text);
    lang = "en";
  }
  let words = streamPieces(text, lang);
  if (wordCount !== undefined) {
    words = Array.from({ length: wordCount }, (_, i) => words[i % words.length]);
  }
  return { kind: "text", words, ...more };
}

function hash(s: string): string {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0).toString(16).padStart(8, "0");
}

export function usageFor(req: SimRequest, reply: SimReply) {
  const prompt = Math.max(1, estimateTokens(JSON.stringify(req.messages)));
  const reasoning = reply.reasoning?.length ?? 0;
  const completion = (reply.kind === "text" ? reply.words.length : 12) + reasoning;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    ...(reasoning ? { completion_tokens_details: { reasoning_tokens: reasoning } } : {}),
  };
}

/** The whole non-stream reply body. */
export function completionBody(req: SimRequest, reply: SimReply, id: string) {
  const thought = reply.reasoning?.join("") ?? "";
  const message =
    reply.kind === "text"
      ? reply.thinkTags
        ? { role: "assistant", content: `<think>\n${thought}\n</think>\n\n${reply.words.join("")}` }
        : { role: "assistant", content: reply.words.join(""), ...(thought ? { reasoning_content: thought } : {}) }
      : {
          role: "assistant",
          content: "",
          tool_calls: [
            {
              id: reply.call.id,
              index: 0,
              type: "function",
              function: { name: reply.call.name, arguments: reply.call.arguments },
            },
          ],
        };
  return {
    id,
    created: Math.floor(Date.now() / 1000),
    model: req.model,
    request_id: id,
    choices: [{ index: 0, message, finish_reason: reply.kind === "text" ? "stop" : "tool_calls" }],
    usage: usageFor(req, reply),
    ...(reply.sources ? { web_search: reply.sources } : {}),
  };
}

export interface SimChunk {
  id: string;
  created: number;
  model: string;
  choices: { index: number; delta: Record<string, unknown>; finish_reason?: string }[];
  usage?: ReturnType<typeof usageFor>;
  web_search?: Record<string, string>[];
}

/** The stream's chunks in order, each one a `data:` payload; the caller adds `[DONE]`. */
export function* streamChunks(req: SimRequest, reply: SimReply, id: string): Generator<SimChunk> {
  const base = { id, created: Math.floor(Date.now() / 1000), model: req.model };
  // Zhipu sends the search results first, on a chunk of their own.
  if (reply.sources)
    yield { ...base, choices: [{ index: 0, delta: { role: "assistant" } }], web_search: reply.sources };
  if (reply.reasoning && !reply.thinkTags) {
    for (const word of reply.reasoning)
      yield { ...base, choices: [{ index: 0, delta: { role: "assistant", reasoning_content: word } }] };
  }
  if (reply.reasoning && reply.thinkTags) {
    // The tags split across chunks, as a tokenizer would send them.
    for (const piece of ["<thi", "nk>\n", ...reply.reasoning, "\n</th", "ink>\n\n"])
      yield { ...base, choices: [{ index: 0, delta: { role: "assistant", content: piece } }] };
  }
  if (reply.kind === "tool") {
    yield {
      ...base,
      choices: [
        {
          index: 0,
          delta: {
            role: "assistant",
            tool_calls: [
              {
                id: reply.call.id,
                index: 0,
                type: "function",
                function: { name: reply.call.name, arguments: reply.call.arguments },
              },
            ],
          },
        },
      ],
    };
  } else {
    for (const word of reply.words)
      yield { ...base, choices: [{ index: 0, delta: { role: "assistant", content: word } }] };
  }
  yield {
    ...base,
    choices: [
      {
        index: 0,
        finish_reason: reply.kind === "text" ? "stop" : "tool_calls",
        delta: { role: "assistant", content: "" },
      },
    ],
    usage: usageFor(req, reply),
  };
}
