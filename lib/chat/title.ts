const MAX_TITLE = 60;

/** A short title from the first message: its first line, cut at a word boundary. */
export function titleFrom(text: string): string {
  const line =
    text
      .trim()
      .split(/\r?\n/)
      .find((l) => l.trim())
      ?.trim()
      .replace(/\s+/g, " ") ?? "";
  if (!line) return "New chat";
  if ([...line].length <= MAX_TITLE) return line;
  const cut = [...line].slice(0, MAX_TITLE).join("");
  const space = cut.lastIndexOf(" ");
  return `${space > 30 ? cut.slice(0, space) : cut}…`;
}
