/**
 * How documents reach the model: one text block per file, naming it, before what the user typed, e.g.
 * `<file name="notes.md">…</file>`. Quotes and angle brackets in a name are escaped so a name cannot end
 * the tag early.
 */
const attr = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export const fileBlock = (f: { name: string; text: string }): string =>
  `<file name="${attr(f.name)}">\n${f.text}\n</file>`;

/** The user's message as the model reads it: the files' blocks, then the text typed. */
export function withFiles(text: string, files: readonly { name: string; text: string }[]): string {
  if (!files.length) return text;
  const blocks = files.map(fileBlock).join("\n\n");
  return text.trim() ? `${blocks}\n\n${text}` : blocks;
}
