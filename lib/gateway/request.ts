import "server-only";
import type { Catalogue, ModelInfo } from "@/lib/models";
import { tokensAtLeastOf } from "@/lib/tokens";
import { SCHEMA_AFTER } from "@/lib/upstream/json-mode";
import { AppError } from "@/lib/errors";
import { invalidRequest, modelNotFound } from "./errors";
import { plainRequest } from "./plain-request";
import { ChatCompletionRequest, KNOWN_FIELDS, maxTokensField, paramPath, type ChatMessage } from "./schema";

/** The seed's defaults, sent upstream explicitly because Zhipu's own differ (0.95 / 0.7). */
export const DEFAULT_TEMPERATURE = 0.7;
export const DEFAULT_TOP_P = 0.9;

export interface ValidRequest {
  body: ChatCompletionRequest;
  model: ModelInfo;
  stream: boolean;
  includeUsage: boolean;
  maxTokens: number | undefined;
  /** What the messages say, in characters: the prompt's estimate when upstream reports no usage. */
  promptChars: number;
  /** The messages that go upstream: all of them but assistant turns that said nothing (Zhipu refuses those). */
  sent: readonly ChatMessage[];
}

/**
 * How much the messages say, measured without serialising them: their text (strings and text parts), tool
 * calls' names and arguments, earlier reasoning. The context check used to measure `JSON.stringify(messages)`,
 * a copy of the whole prompt walked twice on the event loop (GLM-4-Long takes a million tokens): with 2.5 MB
 * requests the server spent 49–58 ms of CPU on each before, 42.5–51 ms after. Leaving out the JSON around the
 * text keeps the count a floor, which is all the check needs (it refuses only what surely cannot fit).
 */
export function messageSize(messages: readonly ChatMessage[]): { chars: number; bytes: number } {
  let chars = 0;
  let bytes = 0;
  const add = (text: string | null | undefined) => {
    if (!text) return;
    chars += text.length;
    bytes += Buffer.byteLength(text, "utf8");
  };
  for (const m of messages) {
    if (typeof m.content === "string") add(m.content);
    else if (m.content) for (const part of m.content) add(partText(part));
    if (m.role === "assistant") {
      add(m.reasoning_content);
      for (const call of m.tool_calls ?? []) {
        add(call.function.name);
        add(call.function.arguments);
      }
    }
  }
  return { chars, bytes };
}

/** `max_tokens` for one model: the schema's rule plus the model's output limit that validateRequest enforces. */
export function maxTokensFor(model: ModelInfo, name = "max_tokens") {
  return maxTokensField(name).refine(
    (v) => v == null || v <= model.maxOutputTokens,
    `${name} can be at most ${model.maxOutputTokens} for ${model.id}`,
  );
}

/**
 * Validates a parsed JSON body against the model catalogue: 400/404 for every client mistake, before anything
 * goes upstream. A disabled model is a 404 like an unknown one.
 */
export function validateRequest(json: unknown, models: Catalogue): ValidRequest {
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw invalidRequest("The request body must be a JSON object.");
  }
  const plain = plainRequest(json as Record<string, unknown>);
  const body = plain ?? parseWithSchema(json);
  // The plain request has no tool messages; only a parsed one can answer a call that was never made.
  if (!plain) checkToolReplies(body.messages);
  const model = models.find(body.model);
  if (!model) throw modelNotFound(body.model, models);

  const thinking = model.thinking;
  if (body.thinking && thinking === "none") {
    throw invalidRequest(`Invalid 'thinking': ${model.id} does not think; leave the field out.`, "thinking");
  }
  if (body.thinking?.type === "disabled" && thinking === "always") {
    throw invalidRequest(`Invalid 'thinking': ${model.id} always thinks; it cannot be disabled.`, "thinking");
  }
  if (body.stream_options != null && body.stream !== true) {
    throw invalidRequest("The 'stream_options' parameter is only allowed when 'stream' is enabled.", "stream_options");
  }
  if (body.tool_choice != null && !body.tools?.length) {
    throw invalidRequest(
      "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.",
      "tool_choice",
    );
  }
  // Each one given is checked: a client that sends both must not get past the limit with the other.
  for (const field of ["max_tokens", "max_completion_tokens"] as const) {
    const value = body[field];
    if (value != null && value > model.maxOutputTokens) {
      throw invalidRequest(
        `Invalid '${field}': ${value} is greater than ${model.id}'s limit of ${model.maxOutputTokens} output tokens.`,
        field,
      );
    }
  }
  // Found once, here: the common request has no such turn, and its messages are sent as they came.
  const sent = body.messages.some(saidNothing) ? body.messages.filter((m) => !saidNothing(m)) : body.messages;
  if (!sent.length) {
    throw invalidRequest(
      "Invalid 'messages': they must include one with content, not only empty assistant turns.",
      "messages",
    );
  }
  const maxTokens = body.max_tokens ?? body.max_completion_tokens ?? undefined;
  // A lower bound on the prompt's tokens (no tokenizer for GLM here): refuse only what surely cannot fit.
  const size = messageSize(body.messages);
  const promptTokensAtLeast = tokensAtLeastOf(size.bytes);
  if (promptTokensAtLeast + (maxTokens ?? 0) > model.contextWindow) {
    throw new AppError(
      "context_length_exceeded",
      `This request needs more than ${model.id}'s context window of ${model.contextWindow} tokens. ` +
        `Shorten the messages${models.longest() && models.longest() !== model ? ` or use ${models.longest()?.id}` : ""}.`,
      { param: "messages" },
    );
  }
  return {
    body,
    model,
    stream: body.stream === true,
    includeUsage: body.stream === true && body.stream_options?.include_usage === true,
    maxTokens,
    promptChars: size.chars,
    sent,
  };
}

/**
 * How deep a body may nest. JSON Schemas of tools nest a few levels; a body nested thousands deep parsed, then
 * overflowed the stack where it is written out for upstream, and came back as a 502 "could not reach the
 * upstream" (which the SDKs retry) instead of the client's mistake.
 */
export const MAX_DEPTH = 64;

/** Whether `value` nests deeper than `max` objects or arrays; stops as soon as it does. */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  if (typeof value !== "object" || value === null) return false;
  if (max === 0) return true;
  for (const v of Array.isArray(value) ? value : Object.values(value)) if (nestsDeeperThan(v, max - 1)) return true;
  return false;
}

/** Any request the plain check did not take (./plain-request.ts): zod's parse, whose first issue is the error. */
function parseWithSchema(json: object): ChatCompletionRequest {
  // The plain request's values are strings and numbers; only here can a value nest (tools, response_format).
  if (nestsDeeperThan(json, MAX_DEPTH))
    throw invalidRequest(`The request body nests more than ${MAX_DEPTH} levels deep.`);
  // Before the fields' own checks, as OpenAI does: a field the gateway does not know is never silently dropped.
  for (const field in json) {
    if (!KNOWN_FIELDS.has(field)) throw invalidRequest(`Unrecognized request argument supplied: ${field}`, field);
  }
  const parsed = ChatCompletionRequest.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const param = paramPath(issue.path);
  throw invalidRequest(param ? `Invalid '${param}': ${issue.message}` : issue.message, param || null);
}

/**
 * A tool message answers a call of the assistant turn before it (other tool messages may come between), as
 * OpenAI requires: one that answers nothing, or a call id that turn did not make, is refused here with the
 * message's index, instead of going upstream where Zhipu's answer to it names nothing the client sent.
 */
function checkToolReplies(messages: readonly ChatMessage[]) {
  let calls: ReadonlySet<string> | null = null;
  messages.forEach((m, i) => {
    if (m.role === "assistant") calls = m.tool_calls?.length ? new Set(m.tool_calls.map((c) => c.id)) : null;
    else if (m.role !== "tool") calls = null;
    else if (!calls) {
      throw invalidRequest(
        `Invalid 'messages[${i}].role': a message with role 'tool' must answer a preceding assistant message with 'tool_calls'.`,
        `messages[${i}].role`,
      );
    } else if (!(calls as ReadonlySet<string>).has(m.tool_call_id)) {
      throw invalidRequest(
        `Invalid 'messages[${i}].tool_call_id': '${m.tool_call_id}' is not among the 'tool_calls' of the assistant message before it.`,
        `messages[${i}].tool_call_id`,
      );
    }
  });
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

type Part = Exclude<ChatMessage["content"], string | null | undefined>[number];
/** A part's text: a text part's, or a refusal's (an assistant turn as OpenAI returns it). */
const partText = (p: Part): string => ("text" in p ? p.text : "refusal" in p ? p.refusal : "");

function flatten(content: ChatMessage["content"]): string | null | undefined {
  // Parts on lines of their own, as a reader of the parts would see them: joined with "" their words ran together.
  return Array.isArray(content) ? content.map(partText).join("\n") : content;
}

/** An assistant turn that said nothing (a moderation stop sent back as history): Zhipu refuses it, so it is left out. */
const saidNothing = (m: ChatMessage) =>
  m.role === "assistant" && !m.tool_calls?.length && !flatten(m.content) && !m.refusal;

/** Zhipu's wire body: upstream model id, explicit defaults, and the clamps Zhipu's own SDK applies. */
export function toUpstreamBody(req: ValidRequest, upstreamModel: string): Record<string, unknown> {
  const { body } = req;
  const out: Record<string, unknown> = { model: upstreamModel, stream: req.stream };
  out.messages = req.sent.map((m) => {
    const msg: Record<string, unknown> = { role: m.role === "developer" ? "system" : m.role };
    msg.content = m.role === "assistant" && !m.content && m.refusal ? m.refusal : flatten(m.content);
    if ("name" in m && m.name) msg.name = m.name;
    if (m.role === "assistant" && m.tool_calls?.length) msg.tool_calls = m.tool_calls;
    if (m.role === "assistant" && m.reasoning_content) msg.reasoning_content = m.reasoning_content;
    if (m.role === "tool") msg.tool_call_id = m.tool_call_id;
    return msg;
  });

  const temperature = body.temperature ?? DEFAULT_TEMPERATURE;
  if (temperature <= 0) {
    out.temperature = 0.01;
    out.do_sample = false;
  } else {
    out.temperature = temperature >= 1 ? 0.99 : temperature;
    if (body.do_sample != null) out.do_sample = body.do_sample;
  }
  out.top_p = clamp(body.top_p ?? DEFAULT_TOP_P, 0.01, 0.99);
  if (req.maxTokens !== undefined) out.max_tokens = req.maxTokens;
  // An empty list (or string) asks for nothing: left out rather than sent as a stop Zhipu may refuse.
  const stop = body.stop == null ? [] : Array.isArray(body.stop) ? body.stop : [body.stop];
  if (stop.length && stop[0] !== "") out.stop = stop;
  if (body.tools?.length && body.tool_choice !== "none") {
    // Function tools and Zhipu's built-in ones (web_search, retrieval) alike, unchanged.
    out.tools = body.tools;
    out.tool_choice = "auto";
  }
  if (body.thinking) out.thinking = body.thinking;
  if (body.response_format?.type === "json_schema") {
    out.response_format = { type: "json_object" };
    out.messages = withInstruction(out.messages as Record<string, unknown>[], schemaInstruction(body.response_format));
  } else if (body.response_format) out.response_format = body.response_format;
  if (body.request_id) out.request_id = body.request_id;
  // Zhipu refuses user_id outside 6–128 characters; an id it cannot take is left out, not an error.
  const user = body.user ?? body.user_id;
  if (user && user.length >= 6 && user.length <= 128) out.user_id = user;
  return out;
}

type JsonSchemaFormat = Extract<NonNullable<ChatCompletionRequest["response_format"]>, { type: "json_schema" }>;

/** What JSON mode alone does not say: the shape wanted, as the model reads it. */
export function schemaInstruction({ json_schema: js }: JsonSchemaFormat): string {
  const about = js.description ? ` (${js.description})` : "";
  const schema = js.schema ? `, ${SCHEMA_AFTER}${JSON.stringify(js.schema)}` : "";
  return `Reply with a single JSON object named "${js.name}"${about}${schema}\nWrite only the JSON, with no other text.`;
}

/** The instruction at the end of the leading system message, or as a system message of its own before the rest. */
function withInstruction(messages: Record<string, unknown>[], instruction: string): Record<string, unknown>[] {
  const first = messages[0];
  if (first?.role === "system" && typeof first.content === "string") {
    return [{ ...first, content: `${first.content}\n\n${instruction}` }, ...messages.slice(1)];
  }
  return [{ role: "system", content: instruction }, ...messages];
}
