/**
 * Reads one PDF or Word document in a process of its own, with a heap of its own (lib/attachments/reader.ts
 * forks it). A small file can inflate to far more than it weighs (a 180 KB .docx to 60 MB of XML, a PDF's
 * compressed streams likewise): read on the server's own thread, one such upload ran its heap out and took the
 * whole server down. Here this process dies instead, and the file is refused. A process, not a worker thread:
 * a worker that runs out of heap in one large allocation still aborts the whole process (a 200 MB .docx did).
 * Plain JavaScript outside the bundle, so `next dev`, `npm start` and the tests all run this same file.
 *
 * In: one IPC message { kind: "pdf" | "docx", bytes: Uint8Array }. Out: one message, { ok: true, text, pages }
 * or { ok: false, problem: "encrypted" | "unreadable" }; then it exits.
 */

async function pdf() {
  // pdf.js's "fake worker" on this thread: handed its worker module, it looks for no file and fetches nothing.
  globalThis.pdfjsWorker = await import("pdfjs-dist/legacy/build/pdf.worker.mjs");
  const { getDocument } = await import("pdfjs-dist/legacy/build/pdf.mjs");
  const task = getDocument({
    // A plain Uint8Array: pdf.js refuses a Buffer, which is what a Buffer sent over IPC arrives as.
    data: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    stopAtErrors: false,
    verbosity: 0,
  });
  let doc;
  try {
    doc = await task.promise;
  } catch (err) {
    return { ok: false, problem: err?.name === "PasswordException" ? "encrypted" : "unreadable" };
  }
  const pages = [];
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
  return { ok: true, text: pages.join("\n\n"), pages: doc.numPages };
}

async function docx() {
  const mammoth = (await import("mammoth")).default;
  const result = await mammoth.extractRawText({
    buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
  });
  return { ok: true, text: result.value.replace(/\n{3,}/g, "\n\n").trim(), pages: null };
}

let bytes;
process.once("message", (job) => {
  bytes = job.bytes;
  (job.kind === "pdf" ? pdf() : docx()).then(
    (out) => process.send(out, () => process.exit(0)),
    () => process.send({ ok: false, problem: "unreadable" }, () => process.exit(0)),
  );
});
