import "server-only";
import { z } from "zod";

/** The request body of POST /v1/chat/completions: the seed's table plus the OpenAI fields GLM-4 can honour. */

const textPart = z.object({ type: z.literal("text"), text: z.string({ error: "a text part needs a string text" }) });
/** A part these text-only models cannot read: refused naming what it is, not as a malformed body. */
const notText = (type: string, what: string) =>
  z
    .object({ type: z.literal(type) })
    .refine(() => false, `${what} input (a "${type}" part) is not supported: these models read text only`);
const part = z.discriminatedUnion(
  "type",
  [textPart, notText("image_url", "image"), notText("input_audio", "audio"), notText("file", "file")],
  { error: 'a content part must be {"type": "text", "text": "…"}' },
);
const content = z.union([z.string(), z.array(part).min(1, "content must not be an empty array")], {
  error: "content must be a string or an array of text parts",
});
/** An assistant turn as OpenAI returns it may hold a refusal part: what the model said, read as its text. */
const refusalPart = z.object({
  type: z.literal("refusal"),
  refusal: z.string({ error: "a refusal part needs a string refusal" }),
});
const assistantContent = z.union(
  [
    z.string(),
    z
      .array(
        z.discriminatedUnion("type", [textPart, refusalPart], {
          error: 'a content part must be {"type": "text", "text": "…"}',
        }),
      )
      .min(1, "content must not be an empty array"),
  ],
  { error: "content must be a string or an array of text or refusal parts" },
);
const name = z
  .string({ error: "name must be a string" })
  .min(1, "name must not be empty")
  .max(64, "name can be at most 64 characters")
  .optional();

const toolCall = z.object({
  id: z.string({ error: "a tool call needs an id" }).min(1, "a tool call needs an id"),
  type: z.literal("function"),
  function: z.object({ name: z.string().min(1), arguments: z.string() }),
});

const message = z.discriminatedUnion(
  "role",
  [
    z.object({ role: z.literal("system"), content, name }),
    z.object({ role: z.literal("developer"), content, name }),
    z.object({ role: z.literal("user"), content, name }),
    z
      // Empty content with no tool calls is taken: a reply stopped by moderation comes back that way, and a
      // client sends it back as history. Zhipu refuses such a turn, so it is not sent upstream (request.ts).
      .object({
        role: z.literal("assistant"),
        content: assistantContent.nullish(),
        name,
        tool_calls: z.array(toolCall).nullish(),
        /** A thinking model's reasoning of an earlier turn: Zhipu wants it back on tool-call turns. */
        reasoning_content: z.string().nullish(),
        refusal: z.string({ error: "refusal must be a string" }).nullish(),
        function_call: z
          .null({ error: "function_call is deprecated and not supported; send the call as tool_calls" })
          .optional(),
      }),
    z.object({
      role: z.literal("tool"),
      content,
      tool_call_id: z.string({ error: "a tool message needs tool_call_id" }).min(1),
    }),
    z
      .object({ role: z.literal("function") })
      .refine(
        () => false,
        'role "function" is deprecated and not supported; send the result as role "tool" with the tool_call_id of the call',
      )
      // Never valid, so it adds nothing to a message's type.
      .pipe(z.never()),
  ],
  { error: "role must be one of system, developer, user, assistant, tool" },
);

const functionTool = z.object({
  type: z.literal("function"),
  function: z.object({
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, "function names are 1-64 letters, digits, _ or -"),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullish(),
  }),
});
/**
 * Zhipu's built-in tools, passed upstream unchanged: `web_search` (its options: enable, search_engine,
 * search_result, count, search_recency_filter, …) and `retrieval` (a knowledge base: knowledge_id, …).
 */
const builtInTool = (type: "web_search" | "retrieval") =>
  z.looseObject({
    type: z.literal(type),
    [type]: z.record(z.string(), z.unknown(), { error: `a ${type} tool needs a "${type}" object` }),
  });
const tool = z.discriminatedUnion("type", [functionTool, builtInTool("web_search"), builtInTool("retrieval")], {
  error: 'type must be "function", "web_search" or "retrieval"',
});
export type Tool = z.infer<typeof tool>;

/**
 * Per-field rules, exported so the chat's conversation settings check exactly what /v1 checks.
 * `name` is how the message names the field: the wire name here, the form's label in the chat UI.
 */
const unit = (field: string) =>
  z
    .number({ error: `${field} must be a number` })
    .min(0, `${field} must be between 0 and 1`)
    .max(1, `${field} must be between 0 and 1`)
    .nullish();
export const temperatureField = (name = "temperature") => unit(name);
export const topPField = (name = "top_p") => unit(name);
export const maxTokensField = (name = "max_tokens") =>
  z
    .number({ error: `${name} must be an integer` })
    .int(`${name} must be an integer`)
    .min(1, `${name} must be at least 1`)
    .nullish();

/** A field refused at any value but null (or absent): `message` says why, and what to send instead. */
const refused = (message: string) => z.null({ error: message }).optional();

export const ChatCompletionRequest = z.object({
  model: z.string({ error: "model is required and must be a string" }).min(1, "model must not be empty"),
  messages: z
    .array(message, { error: "messages is required and must be an array" })
    .min(1, "messages must contain at least one message"),
  temperature: temperatureField(),
  top_p: topPField(),
  max_tokens: maxTokensField(),
  max_completion_tokens: maxTokensField("max_completion_tokens"),
  stream: z.boolean({ error: "stream must be a boolean" }).nullish(),
  stream_options: z
    .object(
      { include_usage: z.boolean({ error: "include_usage must be a boolean" }).nullish() },
      { error: "stream_options must be an object" },
    )
    .nullish(),
  tools: z.array(tool, { error: "tools must be an array" }).max(128, "tools can list at most 128 tools").nullish(),
  tool_choice: z
    .union([z.literal("auto"), z.literal("none")], {
      error: 'tool_choice must be "auto" or "none"; GLM-4 cannot be forced to call a tool',
    })
    .nullish(),
  stop: z
    .union([z.string(), z.array(z.string()).max(1)], {
      error: "stop must be a string or an array of one string: GLM-4 accepts a single stop sequence",
    })
    .nullish(),
  user: z.string({ error: "user must be a string" }).nullish(),
  request_id: z
    .string({ error: "request_id must be a string" })
    .max(128, "request_id can be at most 128 characters")
    .nullish(),
  do_sample: z.boolean({ error: "do_sample must be a boolean" }).nullish(),
  response_format: z
    .discriminatedUnion(
      "type",
      [
        z.object({ type: z.literal("text") }),
        z.object({ type: z.literal("json_object") }),
        // Structured outputs (the SDKs' `parse()`): GLM-4 has JSON mode only, so the schema reaches the model
        // as an instruction beside it (request.ts); the reply is not checked against it here.
        z.object({
          type: z.literal("json_schema"),
          json_schema: z.object(
            {
              name: z
                .string({ error: "json_schema.name must be a string" })
                .regex(/^[a-zA-Z0-9_-]{1,64}$/, "json_schema.name is 1-64 letters, digits, _ or -"),
              description: z.string({ error: "json_schema.description must be a string" }).nullish(),
              schema: z.record(z.string(), z.unknown(), { error: "json_schema.schema must be an object" }).nullish(),
              strict: z.boolean({ error: "json_schema.strict must be a boolean" }).nullish(),
            },
            { error: "a json_schema response_format needs a json_schema object" },
          ),
        }),
      ],
      { error: 'response_format.type must be "text", "json_object" or "json_schema"' },
    )
    .nullish(),
  // Accepted only at values that change nothing, so a client never gets silently different behaviour.
  n: z.literal(1, { error: "n must be 1: GLM-4 returns a single choice" }).nullish(),
  logprobs: z.literal(false, { error: "logprobs is not supported by GLM-4" }).nullish(),
  top_logprobs: z.null({ error: "top_logprobs is not supported by GLM-4" }).optional(),
  presence_penalty: z.literal(0, { error: "presence_penalty is not supported by GLM-4" }).nullish(),
  frequency_penalty: z.literal(0, { error: "frequency_penalty is not supported by GLM-4" }).nullish(),
  logit_bias: z
    .record(z.string(), z.number())
    .refine((v) => Object.keys(v).length === 0, {
      message: "logit_bias is not supported by GLM-4",
    })
    .nullish(),
  // OpenAI fields that change nothing here, accepted at those values and not sent upstream: `store` off (the
  // gateway keeps no completions), so `metadata` (read only with store) means nothing; one service tier; text
  // output; several tool calls per reply (GLM-4 may make them); cache and abuse-tracking hints.
  store: z.literal(false, { error: "store is not supported: the gateway keeps no completions; send false" }).nullish(),
  metadata: z.record(z.string(), z.string(), { error: "metadata must be an object of strings" }).nullish(),
  service_tier: z
    .enum(["auto", "default"], { error: 'service_tier must be "auto" or "default": the gateway has one tier' })
    .nullish(),
  modalities: z
    .array(z.string(), { error: 'modalities must be ["text"]' })
    .refine((v) => v.every((m) => m === "text"), 'modalities must be ["text"]: these models only write text')
    .nullish(),
  parallel_tool_calls: z
    .literal(true, { error: "parallel_tool_calls false is not supported: GLM-4 may call several tools at once" })
    .nullish(),
  prompt_cache_key: z.string({ error: "prompt_cache_key must be a string" }).nullish(),
  safety_identifier: z.string({ error: "safety_identifier must be a string" }).nullish(),
  // Fields whose effect GLM-4 cannot give: refused unless null, with what to do instead.
  seed: refused(
    "seed is not supported: GLM-4's sampling is not repeatable. Send temperature 0 for the steadiest replies.",
  ),
  functions: refused('functions is deprecated and not supported; send tools with type "function" instead'),
  function_call: refused(
    'function_call is deprecated and not supported; send tools, with tool_choice "auto" or "none"',
  ),
  reasoning_effort: refused(
    'reasoning_effort is not supported; thinking models take thinking: {"type": "enabled" | "disabled"}',
  ),
  audio: refused("audio output is not supported: these models only write text"),
  prediction: refused("prediction (predicted outputs) is not supported by GLM-4"),
  web_search_options: refused(
    'web_search_options is not supported; send Zhipu\'s tool instead: tools: [{"type": "web_search", "web_search": {"enable": true}}]',
  ),
  /** Zhipu's spelling of `user`, forwarded the same way. */
  user_id: z.string({ error: "user_id must be a string" }).nullish(),
  /** Zhipu's switch to stream tool-call arguments in pieces: dropped, a call arrives whole either way. */
  tool_stream: z.boolean({ error: "tool_stream must be a boolean" }).nullish(),
  /** Zhipu's switch for thinking models; refused for models that do not think (lib/gateway/request.ts). */
  thinking: z
    .object({
      type: z.enum(["enabled", "disabled"], { error: 'thinking.type must be "enabled" or "disabled"' }),
    })
    .nullish(),
});

export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequest>;

/** Every field the request may carry; any other is refused by name, as OpenAI does (request.ts). */
export const KNOWN_FIELDS: ReadonlySet<string> = new Set(Object.keys(ChatCompletionRequest.shape));
export type ChatMessage = ChatCompletionRequest["messages"][number];

/** `messages[0].content`-style path for the error's `param`. */
export function paramPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, key) => (typeof key === "number" ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)),
    "",
  );
}
