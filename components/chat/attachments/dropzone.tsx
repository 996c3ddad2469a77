"use client";

import { type ClipboardEvent, type DragEvent, useRef, useState } from "react";
import type { Attachments } from "./use-attachments";

const carriesFiles = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes("Files");

/**
 * Drag-and-drop onto the composer, and paste of files into it: the same as picking them with "Attach files".
 * Returns props for the composer's form (`drop`), its text box (`paste`), and whether files hover over it.
 */
export function useFileDrop(files: Attachments | undefined) {
  const [dragging, setDragging] = useState(false);
  // dragenter/dragleave fire for every child: count them, so the highlight does not flicker.
  const depth = useRef(0);
  if (!files) return { dragging: false, drop: {}, paste: {} };
  return {
    dragging,
    drop: {
      onDragEnter: (e: DragEvent) => {
        if (!carriesFiles(e)) return;
        depth.current++;
        setDragging(true);
      },
      onDragOver: (e: DragEvent) => {
        if (!carriesFiles(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = "copy";
      },
      onDragLeave: (e: DragEvent) => {
        if (!carriesFiles(e)) return;
        depth.current = Math.max(0, depth.current - 1);
        if (!depth.current) setDragging(false);
      },
      onDrop: (e: DragEvent) => {
        if (!carriesFiles(e)) return;
        e.preventDefault();
        depth.current = 0;
        setDragging(false);
        files.add(e.dataTransfer.files);
      },
    },
    paste: {
      onPaste: (e: ClipboardEvent) => {
        // Pasted text stays text; only files (a copied file, a screenshot) are attached.
        if (!e.clipboardData?.files.length) return;
        e.preventDefault();
        files.add(e.clipboardData.files);
      },
    },
  };
}
