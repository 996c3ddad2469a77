import "server-only";
import { AppError } from "@/lib/errors";
import { readBodyCapped } from "@/lib/http/body";
import { IMPORT_LIMITS } from "./limits";
import { inspectJson } from "./parse";
import { ImportBatch } from "./schema";

/** An import batch from a request: capped, shallow, without prototype keys, and matching ImportBatch. */
export async function readImportBatch(req: Request): Promise<ImportBatch> {
  // A batch is planned to stay under batchBytes; a little slack for the client's rounding.
  const body = await readBodyCapped(req, IMPORT_LIMITS.batchBytes + 64 * 1024);
  if (!body.ok) throw new AppError("request_too_large", "This import batch is too large.");
  const text = body.bytes.toString("utf8");
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new AppError("invalid_request_error", "The import batch is not JSON.");
  }
  const unsafe = inspectJson(data, IMPORT_LIMITS.depth);
  if (unsafe?.code === "tooDeep") throw new AppError("invalid_request_error", "The import batch is nested too deeply.");
  if (unsafe) throw new AppError("invalid_request_error", `The key "${unsafe.detail}" is not allowed.`);
  const parsed = ImportBatch.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError(
      "invalid_request_error",
      `The import batch is not valid: ${issue?.path.join(".")}: ${issue?.message}`,
    );
  }
  return parsed.data;
}
