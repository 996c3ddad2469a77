import "server-only";
import { fork } from "node:child_process";
import path from "node:path";
import { AttachmentError } from "./errors";

/** The reader's heap: a 300-page PDF takes ~30 MB; what needs more than this is refused, not read. */
const READER_HEAP_MB = 256;
/** A 300-page PDF takes ~1.5 s; a document that takes a minute is refused rather than holding a core. */
const READER_TIMEOUT_MS = 60_000;

/**
 * A PDF's or a Word document's text, read by lib/attachments/read-document.mjs in a process of its own: a file
 * that inflates past that process's heap, or reads for longer than a minute, kills only it, and is refused by
 * name ("too_complex"). Found by a security review: one 180 KB .docx, read on the server's own thread, ran the
 * 192 MB heap out and stopped the server for everyone. One document at a time per server (a second waits), so
 * two large uploads never hold two readers' memory at once.
 */
export function readDocument(
  name: string,
  kind: "pdf" | "docx",
  bytes: Uint8Array,
): Promise<{ text: string; pages: number | null }> {
  return oneAtATime(() => runReader(name, kind, bytes));
}

let queue: Promise<unknown> = Promise.resolve();
function oneAtATime<T>(fn: () => Promise<T>): Promise<T> {
  const run = queue.then(fn, fn);
  queue = run.catch(() => undefined);
  return run;
}

type Answer = { ok: true; text: string; pages: number | null } | { ok: false; problem: "encrypted" | "unreadable" };

function runReader(name: string, kind: "pdf" | "docx", bytes: Uint8Array) {
  return new Promise<{ text: string; pages: number | null }>((resolve, reject) => {
    // The project folder: where `next dev`, `npm start` and the tests all run (npm starts scripts there). Not
    // a module of the bundle: Turbopack is told to leave the path alone.
    const file = path.join(/*turbopackIgnore: true*/ process.cwd(), "lib/attachments/read-document.mjs");
    const reader = fork(/*turbopackIgnore: true*/ file, {
      execArgv: [`--max-old-space-size=${READER_HEAP_MB}`],
      serialization: "advanced",
      stdio: ["ignore", "ignore", "ignore", "ipc"],
    });
    let answer: Answer | null = null;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      reader.kill("SIGKILL");
    }, READER_TIMEOUT_MS);
    reader.once("message", (m) => {
      answer = m as Answer;
    });
    reader.once("error", (err) => {
      clearTimeout(timer);
      console.error("[attachments] could not start the document reader", err);
      reject(new AttachmentError("unreadable", `${name} could not be read.`));
    });
    reader.once("exit", (code, signal) => {
      clearTimeout(timer);
      if (answer?.ok) return resolve({ text: answer.text, pages: answer.pages });
      if (answer) {
        const problem = answer.problem;
        return reject(
          new AttachmentError(
            problem,
            problem === "encrypted"
              ? `${name} is protected by a password.`
              : `${name} could not be read as a ${kind === "pdf" ? "PDF" : "Word document"}.`,
          ),
        );
      }
      console.warn(
        `[attachments] ${kind} reader stopped (${timedOut ? "took over a minute" : (signal ?? `exit ${code}`)}): refused`,
      );
      reject(new AttachmentError("too_complex", `${name} expands to more than this server can read.`));
    });
    reader.send({ kind, bytes });
  });
}
