/**
 * Documents made on the spot for the attachment tests and the benchmark: real PDFs (pdf-lib), a real Word
 * .docx (the three parts Word needs, zipped), so extraction is tested on what people upload, not on mocks.
 */
import JSZip from "jszip";
import { PDFDocument, StandardFonts } from "pdf-lib";

/** A PDF with `pages` pages of `lines` lines each; line text from `line(page, n)` (1-based pages). */
export async function makePdf(
  pages: number,
  {
    lines = 3,
    line = (p: number, n: number) => `Page ${p} line ${n}`,
    password,
  }: {
    lines?: number;
    line?: (page: number, n: number) => string;
    password?: string;
  } = {},
): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let p = 1; p <= pages; p++) {
    const page = doc.addPage([595, 842]);
    for (let n = 1; n <= lines; n++) page.drawText(line(p, n), { x: 40, y: 800 - n * 16, size: 10, font });
  }
  const bytes = await doc.save({ useObjectStreams: false });
  return password ? encryptMarker(bytes) : bytes;
}

/**
 * pdf-lib cannot encrypt; an /Encrypt entry in the trailer that names a standard security handler with a
 * user password is what makes a reader ask for one. pdf.js then refuses it without the password.
 */
function encryptMarker(bytes: Uint8Array): Uint8Array {
  const text = Buffer.from(bytes).toString("latin1");
  const at = text.lastIndexOf("trailer");
  const dict = text.indexOf("<<", at);
  const encrypt =
    "/Encrypt << /Filter /Standard /V 1 /R 2 /O <" +
    "00".repeat(32) +
    "> /U <" +
    "11".repeat(32) +
    "> /P -4 >> /ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>] ";
  return Buffer.from(`${text.slice(0, dict + 2)} ${encrypt}${text.slice(dict + 2)}`, "latin1");
}

/** A minimal Word document whose body is `paragraphs`. */
export async function makeDocx(paragraphs: string[], { deflate = false } = {}): Promise<Uint8Array> {
  const zip = new JSZip();
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  zip.file(
    "[Content_Types].xml",
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
  );
  zip.file(
    "_rels/.rels",
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
  );
  zip.file(
    "word/document.xml",
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${paragraphs
      .map((p) => `<w:p><w:r><w:t xml:space="preserve">${esc(p)}</w:t></w:r></w:p>`)
      .join("")}</w:body></w:document>`,
  );
  return zip.generateAsync(
    deflate ? { type: "uint8array", compression: "DEFLATE", compressionOptions: { level: 9 } } : { type: "uint8array" },
  );
}

/** A "zip bomb": a .docx of ~200 KB whose document inflates to `mb` MB of XML (a paragraph "x" repeated). */
export function makeDocxBomb(mb: number): Promise<Uint8Array> {
  return makeDocx(
    Array.from({ length: Math.floor((mb * 1024 * 1024) / 60) }, () => "x"),
    { deflate: true },
  );
}
