/**
 * A deterministic GLM-4 stand-in speaking Zhipu's wire format: replies and chunks without `object`,
 * usage in the last chunk next to finish_reason, whole tool calls in one delta. Used by the built-in
 * demo upstream and by the test stand-in server.
 */
import "server-only";
import { estimateTokens } from "@/lib/tokens";

interface SimMessage {
  role: string;
  content?: string | null;
  tool_call_id?: string;
}

interface SimTool {
  function: { name: string; parameters?: { properties?: Record<string, { type?: string; enum?: unknown[] }> } };
}

export interface SimRequest {
  model: string;
  messages: SimMessage[];
  tools?: SimTool[];
  stream?: boolean;
}

export type SimReply =
  | { kind: "text"; words: string[] }
  | { kind: "tool"; call: { id: string; name: string; arguments: string } };

const lastOf = (msgs: SimMessage[], role: string) => [...msgs].reverse().find((m) => m.role === role);

/** A tool's arguments built from its JSON schema, filled from the user's words. */
function argumentsFor(tool: SimTool, userText: string): string {
  const args: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(tool.function.parameters?.properties ?? {})) {
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
  if (req.tools?.length && last?.role === "user") {
    const tool = req.tools[0];
    return {
      kind: "tool",
      call: { id: `call_${hash(userText)}`, name: tool.function.name, arguments: argumentsFor(tool, userText) },
    };
  }
  let text: string;
  if (last?.role === "tool") {
    text = `The tool returned: ${last.content ?? ""}`;
  } else {
    const quoted = userText.length > 160 ? `${userText.slice(0, 160)}…` : userText;
    text =
      `This is a simulated reply from ${req.model} (demo upstream). You wrote: “${quoted}”. ` +
      "No real model answered: set UPSTREAM_API_KEY to talk to GLM-4.";
  }
  let words = text.split(/(?<= )/);
  if (wordCount !== undefined) {
    words = Array.from({ length: wordCount }, (_, i) => words[i % words.length]);
  }
  return { kind: "text", words };
}

function hash(s: string): string {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0).toString(16).padStart(8, "0");
}

export function usageFor(req: SimRequest, reply: SimReply) {
  const prompt = Math.max(1, estimateTokens(JSON.stringify(req.messages)));
  const completion = reply.kind === "text" ? reply.words.length : 12;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/** The whole non-stream reply body. */
export function completionBody(req: SimRequest, reply: SimReply, id: string) {
  const message =
    reply.kind === "text"
      ? { role: "assistant", content: reply.words.join("") }
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
  };
}

export interface SimChunk {
  id: string;
  created: number;
  model: string;
  choices: { index: number; delta: Record<string, unknown>; finish_reason?: string }[];
  usage?: ReturnType<typeof usageFor>;
}

/** The stream's chunks in order, each one a `data:` payload; the caller adds `[DONE]`. */
export function* streamChunks(req: SimRequest, reply: SimReply, id: string): Generator<SimChunk> {
  const base = { id, created: Math.floor(Date.now() / 1000), model: req.model };
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
