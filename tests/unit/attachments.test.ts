import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { fileBlock, withFiles } from "@/lib/attachments/blocks";
import { AttachmentError, extractText, utf8Text } from "@/lib/attachments/extract";
import { checkBeforeUpload, formatBytes, MAX_BYTES, MAX_FILES } from "@/lib/attachments/limits";
import { contextTokens, estimatePromptTokens, estimateTokens, tokensAtLeast, utf8Length } from "@/lib/tokens";
import { makeDocx, makeDocxBomb, makePdf } from "../support/documents";

const bytes = (s: string) => new TextEncoder().encode(s);
const refused = (problem: string) => (err: unknown) => err instanceof AttachmentError && err.problem === problem;

describe("extraction", () => {
  test("a PDF's text, page by page, with its page count", async () => {
    const pdf = await makePdf(3, { line: (p, n) => `Quarterly report page ${p} line ${n}` });
    const out = await extractText({ name: "report.pdf", bytes: pdf });
    assert.equal(out.mediaType, "application/pdf");
    assert.equal(out.pages, 3);
    assert.match(out.text, /Quarterly report page 1 line 1/);
    assert.match(out.text, /Quarterly report page 3 line 3/);
    assert.ok(out.text.indexOf("page 1 line") < out.text.indexOf("page 2 line"));
  });

  test("text files by extension, and any UTF-8 text by sniffing; CRLF and BOM normalised", async () => {
    const md = await extractText({ name: "notes.md", bytes: bytes("\uFEFF# 标题\r\nline 二\r\n") });
    assert.equal(md.mediaType, "text/markdown");
    assert.equal(md.text, "# 标题\nline 二\n");
    const code = await extractText({ name: "Makefile", bytes: bytes("all:\n\techo hi\n") });
    assert.equal(code.mediaType, "text/plain");
    const csv = await extractText({ name: "a.CSV", bytes: bytes("a,b\n1,2\n") });
    assert.equal(csv.mediaType, "text/csv");
  });

  test("a Word .docx's paragraphs", async () => {
    const docx = await makeDocx(["First paragraph", "第二段 <tag> & more"]);
    const out = await extractText({ name: "memo.docx", bytes: docx });
    assert.equal(out.pages, null);
    assert.match(out.text, /First paragraph/);
    assert.match(out.text, /第二段 <tag> & more/);
  });

  test("binary, empty, broken and password-protected files are refused by name", async () => {
    await assert.rejects(
      extractText({ name: "x.png", bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1]) }),
      refused("unsupported"),
    );
    await assert.rejects(
      extractText({ name: "x.txt", bytes: new Uint8Array([0x61, 0, 0x62]) }),
      refused("unsupported"),
    );
    await assert.rejects(
      extractText({ name: "latin1.txt", bytes: new Uint8Array([0x63, 0x61, 0x66, 0xe9]) }),
      refused("unsupported"),
    );
    await assert.rejects(extractText({ name: "empty.txt", bytes: new Uint8Array() }), refused("empty"));
    await assert.rejects(extractText({ name: "blank.txt", bytes: bytes(" \n\n ") }), refused("empty"));
    await assert.rejects(extractText({ name: "a.zip", bytes: await makeDocx(["x"]) }), refused("unsupported"));
    await assert.rejects(
      extractText({ name: "bad.docx", bytes: new Uint8Array([0x50, 0x4b, 3, 4, 9, 9, 9]) }),
      refused("unreadable"),
    );
    await assert.rejects(
      extractText({ name: "broken.pdf", bytes: bytes("%PDF-1.7\nnot really a pdf") }),
      refused("unreadable"),
    );
    await assert.rejects(
      extractText({ name: "secret.pdf", bytes: await makePdf(1, { password: "x" }) }),
      (err: unknown) =>
        err instanceof AttachmentError && /secret\.pdf/.test(err.message) && err.problem === "encrypted",
    );
    await assert.rejects(
      extractText({ name: "big.txt", bytes: new Uint8Array(MAX_BYTES + 1).fill(97) }),
      refused("too_large"),
    );
  });

  test("a document that inflates past the reader's heap is refused, and only its reader dies", async () => {
    const bomb = await makeDocxBomb(60);
    assert.ok(bomb.byteLength < 1024 * 1024, `a small file: ${bomb.byteLength} bytes`);
    const heapBefore = process.memoryUsage().heapUsed;
    await assert.rejects(
      extractText({ name: "bomb.docx", bytes: bomb }),
      (err: unknown) => refused("too_complex")(err) && /bomb\.docx/.test((err as Error).message),
    );
    // This process read none of it, and the next document is read as usual.
    assert.ok(process.memoryUsage().heapUsed - heapBefore < 64 * 1024 * 1024);
    assert.match((await extractText({ name: "memo.docx", bytes: await makeDocx(["after"]) })).text, /after/);
  });

  test("utf8Text tells text from binary", () => {
    assert.equal(utf8Text(bytes("héllo")), "héllo");
    assert.equal(utf8Text(new Uint8Array([0xff, 0xfe, 0x00])), null);
  });
});

describe("limits before upload", () => {
  test("10 files and 20 MB per message", () => {
    assert.equal(checkBeforeUpload({ name: "a", size: 10 }, { count: 0, bytes: 0 }), null);
    assert.equal(checkBeforeUpload({ name: "a", size: 10 }, { count: MAX_FILES, bytes: 0 }), "too_many");
    assert.equal(checkBeforeUpload({ name: "a", size: MAX_BYTES + 1 }, { count: 0, bytes: 0 }), "too_large");
    assert.equal(checkBeforeUpload({ name: "a", size: 2 }, { count: 1, bytes: MAX_BYTES - 1 }), "too_large");
    assert.equal(checkBeforeUpload({ name: "a", size: 0 }, { count: 0, bytes: 0 }), "empty");
  });
});

describe("upstream blocks", () => {
  test("one block per file, named, before the text; names cannot break the tag", () => {
    assert.equal(fileBlock({ name: 'a".md', text: "x" }), '<file name="a&quot;.md">\nx\n</file>');
    const msg = withFiles("question?", [
      { name: "a.md", text: "A" },
      { name: "b.pdf", text: "B" },
    ]);
    assert.equal(msg, '<file name="a.md">\nA\n</file>\n\n<file name="b.pdf">\nB\n</file>\n\nquestion?');
    assert.equal(withFiles("plain", []), "plain");
    assert.equal(withFiles("  ", [{ name: "a", text: "A" }]), '<file name="a">\nA\n</file>');
  });
});

describe("token estimate", () => {
  test("never below the server's sure lower bound, so the browser warns whenever the server would refuse", () => {
    const english = "word ".repeat(1000);
    const chinese = "汉字".repeat(1000);
    assert.equal(contextTokens(english), estimateTokens(english));
    assert.equal(contextTokens(chinese), tokensAtLeast(chinese));
    assert.ok(contextTokens(chinese) >= estimateTokens(chinese));
  });

  test("UTF-8 lengths are what TextEncoder writes: ASCII, two- and three-byte characters, pairs, lone surrogates", () => {
    const encoded = (t: string) => new TextEncoder().encode(t).length;
    for (const text of [
      "",
      "plain",
      "é",
      "日本語",
      "😀",
      "a😀b",
      "\ud83d",
      "\ude00x",
      "x\ud83d",
      "\ud83d\ud83d\ude00",
      "ß漢😀",
    ])
      assert.equal(utf8Length(text), encoded(text), JSON.stringify(text));
  });

  test("a prompt: system, messages with their files, and framing per message", () => {
    const n = estimatePromptTokens({
      system: "be brief",
      messages: [{ text: "a".repeat(400), fileTokens: 1000 }, { text: "b".repeat(40) }],
    });
    assert.equal(n, 2 + 4 + 100 + 1000 + 4 + 10 + 4);
    // A 40,000-character document is over GLM-4-AirX's 8K context, well within GLM-4-Long's 1M.
    const doc = estimatePromptTokens({ messages: [{ text: "", fileTokens: contextTokens("x".repeat(40_000)) }] });
    assert.ok(doc > 8_000 && doc < 1_000_000);
  });
});

test("file sizes read naturally in each language: bytes in full, larger sizes short", () => {
  assert.equal(formatBytes(62, "en"), "62 bytes");
  assert.equal(formatBytes(1, "en"), "1 byte");
  assert.equal(formatBytes(1536, "en"), "1.5 kB");
  assert.equal(formatBytes(62, "zh-CN"), "62字节");
  assert.equal(formatBytes(62, "ja"), "62 バイト");
  assert.equal(formatBytes(3 * 1024 * 1024, "ja"), "3 MB");
});
