/**
 * `text` with each occurrence of `query` marked, matched as the search matched it (case-insensitively). Where
 * lower-casing changes a string's length (a few letters outside ASCII do) positions would not line up: then
 * nothing is marked rather than the wrong letters.
 */
export function Highlighted({ text, query }: { text: string; query: string }) {
  const needle = query.replace(/\s+/g, " ").trim().toLowerCase();
  const haystack = text.toLowerCase();
  if (!needle || haystack.length !== text.length) return <>{text}</>;
  const parts: React.ReactNode[] = [];
  let from = 0;
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, from)) {
    if (at > from) parts.push(text.slice(from, at));
    parts.push(
      <mark key={at} className="rounded-sm bg-amber-200/70 text-inherit dark:bg-amber-400/30">
        {text.slice(at, at + needle.length)}
      </mark>,
    );
    from = at + needle.length;
  }
  if (from < text.length) parts.push(text.slice(from));
  return <>{parts}</>;
}
