import "server-only";

/**
 * A malformed server-action body gets a 400 here instead of a 500 (with a stack trace in the log) from deep
 * inside Next: React decodes the body before any action code runs, and Next answers every decoding failure
 * (bad JSON, `null`, a cut multipart body, a reference to a part that was never sent) with a 500.
 *
 * React's reply format (what `encodeReply` sends): a JSON root, in the body itself (text/plain) or in field
 * "0" of a multipart body; strings starting with "$" are either self-contained values ($$ escaped text,
 * $u undefined, $D date, $n bigint, $NaN, $Infinity, $-0, $T a temporary reference) or point to another part
 * by a hex id ($1, $@1, $Q1, $W1, $h1…). A single-part body has no other parts, so a pointer there is always
 * broken; in a multipart body it must name a field that exists.
 */
export async function malformedActionBody(req: Request): Promise<string | null> {
  if (req.method !== "POST") return null;
  const fetchAction = req.headers.has("next-action");
  const type = req.headers.get("content-type") ?? "";
  const multipart = type.toLowerCase().startsWith("multipart/form-data");
  if (!fetchAction && !multipart) return null; // an ordinary POST: not Next's action decoder's business
  // Past Next's own copy limit for the proxy the body is not ours to read; Next's 413 still applies.
  if (Number(req.headers.get("content-length") ?? 0) > 1024 * 1024) return null;
  if (multipart) {
    let form: FormData;
    try {
      form = await req.clone().formData();
    } catch {
      return "The form data could not be read.";
    }
    if (!fetchAction) return null; // a no-JS form post: Next checks its $ACTION_ fields itself
    const parts: Parts = (id) => {
      const part = form.get(id);
      return part === null ? undefined : typeof part === "string" ? "text" : "file";
    };
    // Only the reply's own rows ("0", "1", …); "_1_name" fields are a FormData argument's entries, user data.
    for (const [key, value] of form) {
      if (typeof value !== "string" || !/^\d+$/.test(key)) continue;
      const problem = checkJson(value, parts);
      if (problem) return problem;
    }
    return typeof form.get("0") === "string" ? null : "The action body has no arguments.";
  }
  const text = await req.clone().text();
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch {
    return "The action body is not valid JSON.";
  }
  if (!Array.isArray(root)) return "The action arguments must be a list.";
  return walk(root, () => undefined);
}

function checkJson(text: string, parts: Parts): string | null {
  try {
    return walk(JSON.parse(text), parts);
  } catch {
    return null; // a plain field value (a file name, a form field), not a reply row
  }
}

/** Which parts a multipart body has: id → whether it is a file (typed arrays and blobs must point at one). */
type Parts = (id: string) => "text" | "file" | undefined;

// Self-contained "$" values: $$ text, $u undefined, $H, $NaN, $Infinity, $-0/-Infinity, $D date, $T, $K form.
const SELF_CONTAINED = /^\$(\$|u|H|N|I|-|D|T|K)/;
// Typed arrays and blobs: the part they name must be a file.
const BINARY = /^\$[AOoUSsLlGgMmVB]([0-9a-f]+)$/i;
// Everything else names another part: $1, $@1, $Q1, $W1, $h1, $i1, streams $R1/$r1/$X1/$x1, with a :path.
const POINTER = /^\$[@hQWiRrXx]?([0-9a-f]+)(:|$)/i;

function walk(value: unknown, parts: Parts, depth = 0): string | null {
  if (depth > 64) return "The action arguments are nested too deeply.";
  if (typeof value === "string") {
    if (!value.startsWith("$") || SELF_CONTAINED.test(value)) return null;
    // React refuses longer ones with an error (a 500); the app never sends a BigInt at all.
    if (value[1] === "n")
      return /^\$n-?\d{1,300}$/.test(value) ? null : "The action arguments hold a malformed number.";
    const binary = BINARY.exec(value);
    if (binary)
      return parts(String(parseInt(binary[1], 16))) === "file" ? null : "The action arguments refer to a missing file.";
    const pointer = POINTER.exec(value);
    return pointer && parts(String(parseInt(pointer[1], 16))) ? null : "The action arguments refer to a missing part.";
  }
  if (value && typeof value === "object") {
    for (const item of Object.values(value)) {
      const problem = walk(item, parts, depth + 1);
      if (problem) return problem;
    }
  }
  return null;
}
