/**
 * What the chat accepts as documents, shared by the browser (checks before uploading, so a refusal is
 * instant) and the server (which checks again: the browser is not trusted). Safe in the browser.
 */

export const MAX_FILES = 10;
/** Per message, all files together (and so per file too). */
export const MAX_BYTES = 20 * 1024 * 1024;
/** Pending uploads (not sent) older than this are swept. */
export const PENDING_TTL_MS = 24 * 60 * 60_000;

/** Plain text by extension; anything else is sniffed on the server (valid UTF-8, no NUL bytes). */
export const TEXT_EXTENSIONS = [
  "txt",
  "md",
  "markdown",
  "csv",
  "tsv",
  "json",
  "jsonl",
  "xml",
  "yaml",
  "yml",
  "toml",
  "ini",
  "log",
  "html",
  "htm",
  "css",
  "scss",
  "js",
  "jsx",
  "mjs",
  "cjs",
  "ts",
  "tsx",
  "py",
  "rb",
  "go",
  "rs",
  "java",
  "kt",
  "c",
  "h",
  "cc",
  "cpp",
  "hpp",
  "cs",
  "php",
  "swift",
  "sh",
  "bash",
  "zsh",
  "sql",
  "r",
  "lua",
  "pl",
  "scala",
  "dart",
  "vue",
  "svelte",
  "tex",
  "rst",
  "srt",
  "env",
  "gitignore",
  "dockerfile",
];

/** What the file input offers (other files can still be dropped, and are sniffed). */
export const ACCEPT = [".pdf", ".docx", ...TEXT_EXTENSIONS.map((e) => `.${e}`), "text/*"].join(",");

export const extensionOf = (name: string): string => {
  const base = name.split(/[\\/]/).pop() ?? "";
  const dot = base.lastIndexOf(".");
  return dot < 0 ? base.toLowerCase() : base.slice(dot + 1).toLowerCase();
};

/** Why a file cannot be attached; the browser words each one (catalogue "attachments.errors"). */
export type AttachmentProblem =
  | "too_large"
  | "too_many"
  | "unsupported"
  | "unreadable"
  | "encrypted"
  | "too_complex"
  | "pending_full"
  | "quota"
  | "empty"
  | "upload_failed";

/** A document as the browser knows it: enough for a chip and the context estimate, not its text. */
export interface AttachmentInfo {
  id: string;
  name: string;
  mediaType: string;
  size: number;
  pages: number | null;
  /** Estimated tokens of the extracted text (lib/tokens.ts contextTokens). */
  tokens: number;
}

/** The checks the browser can make before uploading: the per-message count and total size. */
export function checkBeforeUpload(
  file: { name: string; size: number },
  already: { count: number; bytes: number },
): AttachmentProblem | null {
  if (already.count >= MAX_FILES) return "too_many";
  if (file.size > MAX_BYTES || already.bytes + file.size > MAX_BYTES) return "too_large";
  if (file.size === 0) return "empty";
  return null;
}

/** 1536 → "1.5 KB", in the reader's language. */
export function formatBytes(bytes: number, locale?: string): string {
  const units = ["byte", "kilobyte", "megabyte"] as const;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return new Intl.NumberFormat(locale, {
    style: "unit",
    unit: units[unit],
    // Bytes in full ("62 bytes", not en's short "62 byte"); kilobytes and megabytes short ("1.5 KB").
    unitDisplay: unit === 0 ? "long" : "short",
    maximumFractionDigits: unit === 0 ? 0 : 1,
  }).format(value);
}
