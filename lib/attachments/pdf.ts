import "server-only";
import { AttachmentError } from "./errors";
import type { Extracted } from "./extract";

type PdfJs = typeof import("pdfjs-dist/legacy/build/pdf.mjs");

let loading: Promise<PdfJs> | undefined;
/**
 * pdf.js, loaded once. Its "fake worker" runs on this thread: the worker module is imported here and
 * handed over as `globalThis.pdfjsWorker`, so pdf.js never looks for a worker file or fetches anything.
 */
function pdfjs(): Promise<PdfJs> {
  loading ??= (async () => {
    const worker = await import("pdfjs-dist/legacy/build/pdf.worker.mjs");
    (globalThis as { pdfjsWorker?: unknown }).pdfjsWorker = worker;
    return import("pdfjs-dist/legacy/build/pdf.mjs");
  })();
  return loading;
}

/**
 * One PDF at a time per process: a large document's parse holds tens of MB, and the production server runs
 * with a small heap (npm start: 192 MB old space). Others wait their turn.
 */
let queue: Promise<unknown> = Promise.resolve();
function oneAtATime<T>(fn: () => Promise<T>): Promise<T> {
  const run = queue.then(fn, fn);
  queue = run.catch(() => undefined);
  return run;
}

/** The text of every page, pages separated by a blank line; encrypted or broken files are refused by name. */
export function pdfText(name: string, bytes: Uint8Array): Promise<Extracted> {
  return oneAtATime(async () => {
    const { getDocument } = await pdfjs();
    // pdf.js takes ownership of (detaches) the buffer it is given: hand it a copy.
    const task = getDocument({
      data: new Uint8Array(bytes),
      isEvalSupported: false,
      disableFontFace: true,
      useSystemFonts: false,
      stopAtErrors: false,
      verbosity: 0,
    });
    let doc: Awaited<typeof task.promise> | undefined;
    try {
      doc = await task.promise;
    } catch (err) {
      await task.destroy().catch(() => undefined);
      const kind = (err as { name?: string })?.name;
      if (kind === "PasswordException") throw new AttachmentError("encrypted", `${name} is protected by a password.`);
      throw new AttachmentError("unreadable", `${name} could not be read as a PDF.`);
    }
    try {
      const pages: string[] = [];
      for (let n = 1; n <= doc.numPages; n++) {
        const page = await doc.getPage(n);
        const content = await page.getTextContent();
        let text = "";
        for (const item of content.items) {
          if (!("str" in item)) continue;
          text += item.str;
          if (item.hasEOL) text += "\n";
        }
        pages.push(text.trim());
        page.cleanup();
      }
      return { mediaType: "application/pdf", text: pages.join("\n\n"), pages: doc.numPages };
    } catch {
      throw new AttachmentError("unreadable", `${name} could not be read as a PDF.`);
    } finally {
      await doc.destroy().catch(() => undefined);
    }
  });
}
