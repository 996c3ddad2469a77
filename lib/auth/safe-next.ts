import "server-only";

/**
 * Where to send someone after signing in: a path on this site, or "/". Browsers forgive a lot in a URL —
 * they drop tabs and newlines anywhere, treat `\` like `/`, and read `//host` or `/\host` as another site —
 * so rather than list the dangerous forms, accept only what a path of ours looks like.
 */
export function safeNext(next: unknown): string {
  if (typeof next !== "string" || next.length > 2048) return "/";
  let decoded: string;
  try {
    // Percent-encodings count as what they encode: `%2F%09%2F` is `/<tab>/`, and the URL parser may decode
    // it on the way. Twice, for values encoded once more by a form or a redirect.
    decoded = decodeURIComponent(decodeURIComponent(next));
  } catch {
    return "/"; // a malformed escape (`%ff`, `%`) is nothing we would have produced
  }
  for (const candidate of [next, decoded]) {
    if (!candidate.startsWith("/")) return "/";
    // `//x` and `/\x` are other hosts; any backslash may become a slash.
    if (candidate.startsWith("//") || candidate.includes("\\")) return "/";
    // C0 controls, DEL and C1 controls (CR, LF, tab, NUL…): stripped or mangled by browsers and headers.
    if (/[\u0000-\u001f\u007f-\u009f]/.test(candidate)) return "/";
  }
  // The last word goes to the URL parser: resolved against a stand-in origin, the path must stay on it.
  const origin = "http://glm-chat.invalid";
  try {
    const url = new URL(next, origin);
    // Dot segments can fold into a new `//` (`/..//host` becomes `//host`): check the result as well.
    const path = url.pathname + url.search + url.hash;
    return url.origin === origin && !path.startsWith("//") ? path : "/";
  } catch {
    return "/";
  }
}
