import "server-only";
import { getDb } from "@/db";
import { createAttachment, sweepPendingAttachments } from "@/db/queries/attachments";
import type { User } from "@/db/schema";
import { readCapped } from "@/lib/http/body";
import { contextTokens } from "@/lib/tokens";
import { FILE_NAME_HEADER } from "./door";
import { AttachmentError } from "./errors";
import { extractText } from "./extract";
import { type AttachmentInfo, MAX_BYTES, PENDING_TTL_MS } from "./limits";

const MAX_NAME = 255;

/** The file's name from its header (URI-encoded, so any language's names pass through HTTP). */
export function fileName(req: Request): string {
  const raw = req.headers.get(FILE_NAME_HEADER) ?? "";
  let name: string;
  try {
    name = decodeURIComponent(raw);
  } catch {
    name = raw;
  }
  // Only the base name, without control characters; never empty.
  name = (name.split(/[\\/]/).pop() ?? "").replace(/[\u0000-\u001f\u007f]/g, "").trim();
  return [...(name || "file")].slice(0, MAX_NAME).join("");
}

/**
 * One file, uploaded as the raw request body: size enforced while reading (a declared or actual size past
 * 20 MB is refused without keeping more than that), text extracted, stored as a pending attachment of the
 * user. Returns what the composer's chip needs.
 */
export async function uploadAttachment(req: Request, user: User): Promise<AttachmentInfo> {
  const name = fileName(req);
  const declared = Number(req.headers.get("content-length") ?? 0);
  // Read to the end even when too large (up to lib/http/body.ts's drain limit), keeping nothing past 20 MB,
  // so the browser gets the 413 instead of a connection cut mid-upload.
  const body = req.body as unknown as AsyncIterable<Uint8Array> | null;
  const read = await readCapped(body, declared, MAX_BYTES);
  if (!read.ok) throw new AttachmentError("too_large", `${name} is larger than 20 MB.`);
  const extracted = await extractText({ name, bytes: read.bytes });
  const db = getDb();
  sweepNow(db);
  const row = await createAttachment(db, {
    userId: user.id,
    name,
    mediaType: extracted.mediaType,
    size: read.bytes.byteLength,
    pages: extracted.pages,
    text: extracted.text,
  });
  return {
    id: row.id,
    name: row.name,
    mediaType: row.mediaType,
    size: row.size,
    pages: row.pages,
    tokens: contextTokens(extracted.text),
  };
}

/** Unsent uploads go after a day; checked at most hourly, on an upload, instead of by a timer. */
let lastSweep = 0;
function sweepNow(db: ReturnType<typeof getDb>) {
  const now = Date.now();
  if (now - lastSweep < 60 * 60_000) return;
  lastSweep = now;
  sweepPendingAttachments(db, { before: now - PENDING_TTL_MS }).catch((err) =>
    console.error("[attachments] sweep failed", err),
  );
}
