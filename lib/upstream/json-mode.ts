/**
 * The stand-in's JSON mode (`response_format: {"type": "json_object"}`): a reply that is one JSON object, as
 * GLM-4 writes in that mode. When the system message carries a JSON Schema (the gateway's instruction for a
 * `json_schema` response format, lib/gateway/request.ts), the object follows it, as a model that reads the
 * instruction would; otherwise the reply's text is its one field.
 */
import "server-only";

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  enum?: unknown[];
  anyOf?: Schema[];
};

/** What comes before the schema in the gateway's instruction (lib/gateway/request.ts writes it with this). */
export const SCHEMA_AFTER = "conforming to this JSON Schema:\n";

/** The JSON object a JSON-mode reply is, given the request's system text and the reply it would have written. */
export function jsonModeReply(systemText: string, text: string): string {
  const at = systemText.lastIndexOf(SCHEMA_AFTER);
  if (at === -1) return JSON.stringify({ reply: text });
  const line = systemText.slice(at + SCHEMA_AFTER.length).split("\n")[0];
  try {
    return JSON.stringify(exampleOf(JSON.parse(line) as Schema, text));
  } catch {
    return JSON.stringify({ reply: text });
  }
}

function exampleOf(schema: Schema, text: string): unknown {
  if (schema.enum?.length) return schema.enum[0];
  if (schema.anyOf?.length) return exampleOf(schema.anyOf[0], text);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case "object":
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, s]) => [k, exampleOf(s, text)]));
    case "array":
      return schema.items ? [exampleOf(schema.items, text)] : [];
    case "number":
      return 1.5;
    case "integer":
      return 1;
    case "boolean":
      return true;
    case "null":
      return null;
    default:
      return text.slice(0, 60);
  }
}
