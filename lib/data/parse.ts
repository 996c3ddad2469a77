/**
 * Reading an import file, all of it, before anything is sent: size, JSON, nesting, keys, shape, limits.
 * Runs in the browser (components/settings/data-import.tsx) and in tests and the benchmark. Any problem
 * refuses the whole file, with a code the UI words in the reader's language and the place it was found.
 */
import type { z } from "zod";
import { ChatGptExport, fromChatGpt, looksLikeChatGpt } from "./chatgpt";
import { ARCHIVE_VERSION, IMPORT_LIMITS as L } from "./limits";
import { Archive, ImportConversation, type ArchiveConversation, type ImportSource } from "./schema";

export type ImportProblemCode =
  | "tooLarge"
  | "notJson"
  | "tooDeep"
  | "forbiddenKey"
  | "unknownFormat"
  | "tooManyConversations"
  | "invalid"
  | "newerVersion"
  | "messageTooLarge"
  | "empty";

export interface ImportProblem {
  code: ImportProblemCode;
  /** Where in the file (e.g. "conversations.3.messages.2.content"), or the limit that was passed. */
  detail?: string;
}

export type ParsedImport =
  | { ok: true; source: ImportSource; conversations: ImportConversation[] }
  | { ok: false; problem: ImportProblem };

/** Keys that reach an object's prototype when code copies them naively. */
const FORBIDDEN_KEYS = ["__proto__", "constructor", "prototype"];

class Refused extends Error {
  constructor(readonly problem: ImportProblem) {
    super(problem.code);
  }
}

/**
 * Walks a parsed JSON value without recursion (V8's JSON.parse is itself iterative, so a file of a million
 * `[` parses): refuses nesting deeper than `maxDepth` and the keys that reach an object's prototype when code
 * copies them naively. Cheaper than a reviver or a scan of the text: only arrays and objects are visited.
 */
export function inspectJson(value: unknown, maxDepth: number): ImportProblem | null {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== "object" || v === null) continue;
    if (depth > maxDepth) return { code: "tooDeep", detail: String(maxDepth) };
    if (Array.isArray(v)) {
      for (const item of v) if (typeof item === "object" && item !== null) stack.push([item, depth + 1]);
      continue;
    }
    for (const key of FORBIDDEN_KEYS) if (Object.hasOwn(v, key)) return { code: "forbiddenKey", detail: key };
    for (const key in v) {
      const item = (v as Record<string, unknown>)[key];
      if (typeof item === "object" && item !== null) stack.push([item, depth + 1]);
    }
  }
  return null;
}

const where = (path: PropertyKey[]) => path.map(String).join(".");

/**
 * Where the file departs from the format, as a path ("conversations.3.messages.0.role"): the same in every
 * language, where zod's own sentence ("Invalid input: expected string, received undefined") was English on a
 * Chinese or Japanese page.
 */
function firstIssue(error: z.ZodError, prefix: PropertyKey[] = []): ImportProblem {
  const issue = error.issues[0];
  return { code: "invalid", detail: where([...prefix, ...(issue?.path ?? [])]) || "/" };
}

const ms = (iso: string | undefined, fallback: number) => (iso ? Date.parse(iso) : fallback);

/** A reply's reasoning, thinking time and sources, when it has them. */
const extrasOf = (m: ArchiveConversation["messages"][number]) => ({
  ...(m.reasoning ? { reasoning: m.reasoning, ...(m.reasoningMs != null ? { reasoningMs: m.reasoningMs } : {}) } : {}),
  ...(m.sources?.length ? { sources: m.sources } : {}),
});

/** Our archive's conversation as the import writes it. */
export function fromArchive(c: ArchiveConversation): ImportConversation {
  const createdAt = Date.parse(c.createdAt);
  return {
    sourceId: c.id,
    title: c.title,
    model: c.model,
    settings: c.settings ?? {},
    createdAt,
    updatedAt: Date.parse(c.updatedAt),
    messages: c.messages.map((m) => ({
      role: m.role,
      content: m.content,
      model: m.model ?? null,
      // A reply that was streaming when exported did not finish: it comes back as interrupted, never live.
      status: m.status === undefined ? "complete" : m.status === "streaming" ? "interrupted" : m.status,
      createdAt: ms(m.createdAt, createdAt),
      ...(m.attachments?.length ? { attachments: m.attachments } : {}),
      ...extrasOf(m),
    })),
  };
}

/** Parses and checks a whole import file's text. `bytes`: the file's size as read from disk. */
export function parseImport(text: string, bytes = text.length): ParsedImport {
  try {
    return { ok: true, ...parseOrThrow(text, bytes) };
  } catch (err) {
    if (err instanceof Refused) return { ok: false, problem: err.problem };
    throw err;
  }
}

function parseOrThrow(text: string, bytes: number): { source: ImportSource; conversations: ImportConversation[] } {
  if (bytes > L.fileBytes || text.length > L.fileBytes) throw new Refused({ code: "tooLarge", detail: "100 MB" });
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new Refused({ code: "notJson" });
  }
  const unsafe = inspectJson(data, L.depth);
  if (unsafe) throw new Refused(unsafe);
  const count =
    (data as { conversations?: unknown[] })?.conversations?.length ?? (Array.isArray(data) ? data.length : 0);
  if (count > L.conversations) throw new Refused({ code: "tooManyConversations", detail: String(L.conversations) });

  let source: ImportSource;
  let conversations: ImportConversation[];
  if (data && typeof data === "object" && (data as { format?: unknown }).format === "glm-chat.export") {
    // From a newer glm-chat: say so, rather than which field of ours it does not match.
    const version = (data as { version?: unknown }).version;
    if (typeof version === "number" && version > ARCHIVE_VERSION)
      throw new Refused({ code: "newerVersion", detail: String(version) });
    const parsed = Archive.safeParse(data);
    if (!parsed.success) throw new Refused(firstIssue(parsed.error));
    source = "glm-chat";
    conversations = parsed.data.conversations.map(fromArchive);
  } else if (looksLikeChatGpt(data)) {
    const parsed = ChatGptExport.safeParse(data);
    if (!parsed.success) throw new Refused(firstIssue(parsed.error));
    for (const [i, c] of parsed.data.entries()) {
      if (Object.keys(c.mapping).length > L.nodesPerConversation)
        throw new Refused({ code: "invalid", detail: `${i}.mapping` });
    }
    source = "chatgpt";
    conversations = parsed.data.map(fromChatGpt);
  } else throw new Refused({ code: "unknownFormat" });

  // The converted conversations must be what the server accepts (merged replies, times), checked here too.
  for (const [i, c] of conversations.entries()) {
    const checked = ImportConversation.safeParse(c);
    if (!checked.success)
      throw new Refused(
        firstIssue(
          checked.error,
          [source === "glm-chat" ? "conversations" : "", i].filter((p) => p !== ""),
        ),
      );
  }
  return { source, conversations };
}
