/** pdf.js's worker module ships without types; only its presence matters here (lib/attachments/pdf.ts). */
declare module "pdfjs-dist/legacy/build/pdf.worker.mjs" {
  export const WorkerMessageHandler: unknown;
}
