/**
 * Cuts checked conversations into request-sized batches (IMPORT_LIMITS.batchBytes of JSON each), so a
 * 100 MB file goes to the server as ~110 requests that each fit the 1 MB body cap and the server's small
 * heap. A long conversation is cut into slices; every slice carries its conversation's fields and the index
 * of its first message, so each batch can be checked and written on its own.
 */
import { IMPORT_LIMITS as L } from "./limits";
import type { ParsedImport } from "./parse";
import type { ImportConversation, ImportSlice, ImportSource } from "./schema";

const encoder = new TextEncoder();
const bytes = (value: unknown) => encoder.encode(JSON.stringify(value)).length;

export type BatchPlan =
  | { ok: true; source: ImportSource; batches: ImportSlice[][] }
  | { ok: false; problem: { code: "messageTooLarge"; detail: string } };

export function planBatches(
  source: ImportSource,
  conversations: ImportConversation[],
  budget: number = L.batchBytes,
): BatchPlan {
  const batches: ImportSlice[][] = [];
  let batch: ImportSlice[] = [];
  // {"source":"chatgpt","conversations":[…]} and commas.
  let size = 64;
  const flush = () => {
    if (batch.length) batches.push(batch);
    batch = [];
    size = 64;
  };
  for (const [ci, c] of conversations.entries()) {
    const header = bytes({ ...c, messages: [], offset: L.messagesPerConversation }) + 1;
    if (size + header > budget) flush();
    let slice: ImportSlice = { ...c, messages: [], offset: 0 };
    batch.push(slice);
    size += header;
    for (const [mi, m] of c.messages.entries()) {
      const cost = bytes(m) + 1;
      if (header + cost + 64 > budget)
        return { ok: false, problem: { code: "messageTooLarge", detail: `${ci}.messages.${mi}` } };
      if (size + cost > budget) {
        flush();
        slice = { ...c, messages: [], offset: mi };
        batch.push(slice);
        size += header;
      }
      slice.messages.push(m);
      size += cost;
    }
  }
  flush();
  return { ok: true, source, batches };
}

/** parseImport then planBatches: everything checked, nothing sent. */
export function planImport(parsed: Extract<ParsedImport, { ok: true }>, budget?: number): BatchPlan {
  return planBatches(parsed.source, parsed.conversations, budget);
}
