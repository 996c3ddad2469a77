import "server-only";
import type { ChatCompletionRequest } from "./schema";

/**
 * The request most clients send — a model, text messages from system, user and assistant, and a few
 * sampling fields — accepted without zod's general machinery. zod's parse was ~3 % of a /v1 stream's CPU in
 * the server (`bench:ab` with validation switched off: 0.969), where a request runs cold: 0.7 µs in a loop,
 * ~13 µs in the server's profile, for walking a schema of 40 fields and five kinds of message.
 *
 * This is only ever a yes: it returns the body when every field present is one it knows here and its value is
 * one the schema (./schema.ts) surely accepts, and null for anything else — an unusual field, a value at an
 * edge, a wrong one — which then goes to zod, whose messages name the mistake. So the two can only differ if
 * this accepts what zod refuses or returns something else than zod would: tests/unit/plain-request.test.ts
 * checks both over generated requests. The body is returned as parsed (zod copies it; nothing here mutates it).
 */
export function plainRequest(json: Record<string, unknown>): ChatCompletionRequest | null {
  for (const field in json) {
    const check = FIELDS.get(field);
    if (check === undefined || !check(json[field])) return null;
  }
  return typeof json.model === "string" && Array.isArray(json.messages) ? (json as ChatCompletionRequest) : null;
}

type Check = (value: unknown) => boolean;

const unit: Check = (v) => v === null || (typeof v === "number" && v >= 0 && v <= 1);
const positiveInt: Check = (v) => v === null || (Number.isSafeInteger(v) && (v as number) >= 1);
const bool: Check = (v) => v === null || typeof v === "boolean";
const text: Check = (v) => v === null || typeof v === "string";

/** A Map, not an object: a body's "toString" or "__proto__" must not find a prototype's function. */
const FIELDS = new Map<string, Check>([
  ["model", (v) => typeof v === "string" && v.length > 0],
  ["messages", (v) => Array.isArray(v) && v.length > 0 && v.every(plainMessage)],
  ["temperature", unit],
  ["top_p", unit],
  ["max_tokens", positiveInt],
  ["max_completion_tokens", positiveInt],
  ["stream", bool],
  [
    "stream_options",
    (v) => v === null || (isObject(v) && onlyKey(v, "include_usage") && bool(v.include_usage ?? null)),
  ],
  ["user", text],
  ["user_id", text],
  ["do_sample", bool],
]);

/** A text message of system, developer, user or assistant, with at most a name beside its content. */
function plainMessage(m: unknown): boolean {
  if (!isObject(m)) return false;
  for (const key in m) if (key !== "role" && key !== "content" && key !== "name") return false;
  const { role, content, name } = m;
  if (typeof content !== "string") return false;
  if (name !== undefined && !(typeof name === "string" && name.length > 0 && name.length <= 64)) return false;
  if (role === "assistant") return content !== "";
  return role === "user" || role === "system" || role === "developer";
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function onlyKey(v: Record<string, unknown>, only: string): boolean {
  for (const key in v) if (key !== only) return false;
  return true;
}
