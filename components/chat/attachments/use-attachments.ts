"use client";

import { useRef, useState } from "react";
import { type AttachmentInfo, type AttachmentProblem, checkBeforeUpload, extensionOf } from "@/lib/attachments/limits";

/** A file in the composer: still being read by the server, or ready to go with the message. */
export type ComposerFile =
  | { key: string; state: "uploading"; name: string; size: number }
  | { key: string; state: "ready"; name: string; size: number; info: AttachmentInfo };

export interface FileRefusal {
  key: string;
  name: string;
  problem: AttachmentProblem;
  /** The server's own sentence, for problems the browser has no words of its own for. */
  reason?: string;
  /** Or its catalogue key (errors.*), to be read in the reader's language. */
  reasonKey?: string;
  /** Or the status of an answer that said nothing the app wrote (a proxy's HTML 413 page), or 0 for no answer. */
  status?: number;
}

/** Kinds no text can be read from: refused at once, without an upload. */
const BINARY = /^(image|audio|video|font)\//;
const BINARY_EXT = new Set(["zip", "gz", "tar", "7z", "rar", "exe", "dll", "doc", "xls", "xlsx", "ppt", "pptx", "dmg"]);

let counter = 0;
const nextKey = () => `f${Date.now().toString(36)}${(counter++).toString(36)}`;

/**
 * The composer's documents: each file is uploaded (POST /api/attachments, one at a time) as soon as it is
 * picked, dropped or pasted, so its text is ready when the message is sent. A refusal names the file and
 * leaves everything else (the typed text, the other files) as it was.
 */
export function useAttachments() {
  const [files, setFiles] = useState<ComposerFile[]>([]);
  const [refusals, setRefusals] = useState<FileRefusal[]>([]);
  const current = useRef(files);
  current.current = files;
  const queue = useRef<Promise<unknown>>(Promise.resolve());

  const refuse = (r: Omit<FileRefusal, "key">) => setRefusals((list) => [...list, { ...r, key: nextKey() }]);

  function add(picked: FileList | File[] | null | undefined) {
    const list = Array.from(picked ?? []);
    if (!list.length) return;
    // What was refused before is about an earlier pick: the messages speak of this one only.
    setRefusals([]);
    let count = current.current.length;
    let bytes = current.current.reduce((n, f) => n + f.size, 0);
    const accepted: ComposerFile[] = [];
    for (const file of list) {
      if (BINARY.test(file.type) || BINARY_EXT.has(extensionOf(file.name))) {
        refuse({ name: file.name, problem: "unsupported" });
        continue;
      }
      const problem = checkBeforeUpload(file, { count, bytes });
      if (problem) {
        refuse({ name: file.name, problem });
        continue;
      }
      count++;
      bytes += file.size;
      const item: ComposerFile = { key: nextKey(), state: "uploading", name: file.name, size: file.size };
      accepted.push(item);
      queue.current = queue.current.then(() => upload(item.key, file));
    }
    if (accepted.length) setFiles((now) => [...now, ...accepted]);
  }

  async function upload(key: string, file: File) {
    // Removed while waiting its turn: nothing to send.
    if (!current.current.some((f) => f.key === key)) return;
    let answer: Response | undefined;
    try {
      answer = await fetch("/api/attachments", {
        method: "POST",
        headers: {
          "x-file-name": encodeURIComponent(file.name),
          "content-type": file.type || "application/octet-stream",
        },
        body: file,
      });
    } catch {}
    const body = (await answer?.json().catch(() => null)) as
      | (AttachmentInfo & { error?: string; problem?: AttachmentProblem })
      | null;
    if (!answer?.ok || !body?.id) {
      setFiles((now) => now.filter((f) => f.key !== key));
      const said = body as { error?: string; key?: string; problem?: AttachmentProblem } | null;
      // Each refusal says why: the app's problem, its sentence's key, its sentence, or what happened on the way.
      refuse({
        name: file.name,
        problem: said?.problem ?? "upload_failed",
        reasonKey: said?.key,
        reason: said?.error,
        status: said?.error ? undefined : (answer?.status ?? 0),
      });
      return;
    }
    const info = body as AttachmentInfo;
    if (!current.current.some((f) => f.key === key)) {
      // Removed while it uploaded: the server's copy goes too.
      void fetch(`/api/attachments/${encodeURIComponent(info.id)}`, { method: "DELETE" }).catch(() => {});
      return;
    }
    setFiles((now) =>
      now.map((f) => (f.key === key ? { key, state: "ready", name: info.name, size: info.size, info } : f)),
    );
  }

  function remove(key: string) {
    const file = current.current.find((f) => f.key === key);
    setFiles((now) => now.filter((f) => f.key !== key));
    if (file?.state === "ready")
      // Unreachable now: the server sweeps unsent files away later (sweepPendingAttachments).
      void fetch(`/api/attachments/${encodeURIComponent(file.info.id)}`, { method: "DELETE" }).catch(() => {});
  }

  const ready = files.flatMap((f) => (f.state === "ready" ? [f.info] : []));
  return {
    files,
    ready,
    uploading: files.some((f) => f.state === "uploading"),
    refusals,
    add,
    remove,
    dismiss: (key: string) => setRefusals((list) => list.filter((r) => r.key !== key)),
    /** The ready files, taken out of the composer as the message is sent. */
    take(): AttachmentInfo[] {
      setFiles((now) => now.filter((f) => f.state !== "ready"));
      setRefusals([]);
      return ready;
    },
    /** A message that could not be sent gives its files back (still pending on the server). */
    restore(infos: AttachmentInfo[] | undefined) {
      if (!infos?.length) return;
      setFiles((now) => [
        ...infos.map((info) => ({ key: nextKey(), state: "ready" as const, name: info.name, size: info.size, info })),
        ...now,
      ]);
    },
  };
}

export type Attachments = ReturnType<typeof useAttachments>;
