"use client";

import type { AttachmentInfo } from "@/lib/attachments/limits";
import { AttachmentChip } from "./attachment-chip";

/** The documents sent with a user's message: chips that open their text. */
export function MessageFiles({ files }: { files: AttachmentInfo[] | undefined }) {
  if (!files?.length) return null;
  return (
    <ul className="flex max-w-[85%] flex-wrap justify-end gap-2">
      {files.map((f) => (
        <li key={f.id} className="max-w-full">
          <AttachmentChip id={f.id} name={f.name} size={f.size} pages={f.pages} />
        </li>
      ))}
    </ul>
  );
}
