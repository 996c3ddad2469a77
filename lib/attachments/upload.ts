import "server-only";
import { getDb } from "@/db";
import { AttachmentLimitReached, createAttachment, sweepPendingAttachments } from "@/db/queries/attachments";
import type { User } from "@/db/schema";
import { readCapped } from "@/lib/http/body";
import { config } from "@/lib/config";
import { contextTokens } from "@/lib/tokens";
import { FILE_NAME_HEADER } from "./door";
import { AttachmentError } from "./errors";
import { extractText } from "./extract";
import { type AttachmentInfo, MAX_BYTES, MAX_FILES, PENDING_TTL_MS } from "./limits";

const MAX_NAME = 255;
/**
 * Unsent uploads one account may hold: ten full messages' worth (an hour's, as older ones go first). They used
 * to be bounded only by the daily sweep: a security review stored 140 MB in 7 s from one account, and 20
 * uploads sent at once all went in.
 */
const PENDING_FILES = 10 * MAX_FILES;
const PENDING_BYTES = 10 * MAX_BYTES;

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
  let row: Awaited<ReturnType<typeof createAttachment>>;
  try {
    row = await createAttachment(
      db,
      {
        userId: user.id,
        name,
        mediaType: extracted.mediaType,
        size: read.bytes.byteLength,
        pages: extracted.pages,
        text: extracted.text,
      },
      { pendingFiles: PENDING_FILES, pendingBytes: PENDING_BYTES, totalBytes: config().documentsQuotaBytes },
    );
  } catch (err) {
    if (!(err instanceof AttachmentLimitReached)) throw err;
    throw err.limit === "pending"
      ? new AttachmentError("pending_full", `${name} cannot be kept: too many files are waiting to be sent.`)
      : new AttachmentError("quota", `${name} would pass this account's limit for documents.`);
  }
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
