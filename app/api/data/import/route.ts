import { chatRoute } from "@/lib/chat/door";
import { readImportBatch } from "@/lib/data/request";
import { importForUser } from "@/lib/data/import";

export const dynamic = "force-dynamic";

/**
 * One batch of an import (Settings → Data), written in one transaction.
 *
 * Why batches from the browser rather than the file in one request: the server runs with a 192 MB heap and
 * bodies are capped at 1 MB (next.config.mjs), so a 100 MB file can be neither one request nor one
 * JSON.parse here. The browser reads and checks the WHOLE file first (lib/data/parse.ts, the same zod
 * schemas as here) and only then sends batches of < 1 MB; a bad file is refused before the first batch, so
 * it imports nothing. Each batch is checked again here (the browser is not trusted) and refused whole if
 * anything is wrong. Ids derived from the file's ids make a batch sent twice (a retry, a second import)
 * add nothing.
 */
export const POST = chatRoute(async (req, user) => {
  const batch = await readImportBatch(req);
  return Response.json(await importForUser(user.id, batch));
});
