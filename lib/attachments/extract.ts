import "server-only";
import { AttachmentError } from "./errors";
import { extensionOf, MAX_BYTES, TEXT_EXTENSIONS } from "./limits";
import { readDocument } from "./reader";

export { AttachmentError } from "./errors";

export interface Extracted {
  /** What the file is, as detected (not as the browser claimed). */
  mediaType: string;
  text: string;
  pages: number | null;
}

const DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const MEDIA_BY_EXT: Record<string, string> = {
  md: "text/markdown",
  markdown: "text/markdown",
  csv: "text/csv",
  json: "application/json",
  html: "text/html",
  htm: "text/html",
};

const isPdf = (b: Uint8Array) => b.length >= 5 && Buffer.from(b.subarray(0, 1024)).includes("%PDF-");
const isZip = (b: Uint8Array) => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;

/**
 * The text of a document: PDFs (pdf.js) and Word .docx (mammoth), each read in a process of its own
 * (./reader.ts), and UTF-8 text of any kind
 * (by extension or, failing that, by its bytes: valid UTF-8 without NUL). Detected from the bytes, not from
 * the name alone, so a renamed binary is refused instead of stored as garbage.
 */
export async function extractText(file: { name: string; bytes: Uint8Array }): Promise<Extracted> {
  const { name, bytes } = file;
  if (bytes.byteLength > MAX_BYTES) throw new AttachmentError("too_large", `${name} is larger than 20 MB.`);
  if (bytes.byteLength === 0) throw new AttachmentError("empty", `${name} is empty.`);
  const ext = extensionOf(name);
  let out: Extracted;
  if (isPdf(bytes)) out = { mediaType: "application/pdf", ...(await readDocument(name, "pdf", bytes)) };
  else if (isZip(bytes)) {
    if (ext !== "docx") throw new AttachmentError("unsupported", `${name} is not a supported type.`);
    out = { mediaType: DOCX, ...(await readDocument(name, "docx", bytes)) };
  } else {
    const text = utf8Text(bytes);
    if (text === null)
      throw new AttachmentError(
        "unsupported",
        TEXT_EXTENSIONS.includes(ext) ? `${name} is not UTF-8 text.` : `${name} is not a supported type.`,
      );
    out = { mediaType: MEDIA_BY_EXT[ext] ?? "text/plain", text, pages: null };
  }
  if (!out.text.trim()) throw new AttachmentError("empty", `${name} has no text to read.`);
  return out;
}

/** Valid UTF-8 (a BOM dropped) without NUL bytes, else null: a binary file by any name. */
export function utf8Text(bytes: Uint8Array): string | null {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return null;
  }
  return text.includes("\u0000") ? null : text.replace(/\r\n?/g, "\n");
}
