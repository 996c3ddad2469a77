"use client";

import { X } from "lucide-react";
import { useState } from "react";
import { DEMO_COOKIE } from "./demo-cookie";

/** The demo notice's box and its dismiss button; dismissing is remembered for a year in this browser. */
export function DismissDemoNotice({
  children,
  label,
  dismiss,
  dismissTitle,
}: {
  children: React.ReactNode;
  /** In the reader's language, from the server (which renders the notice). */
  label: string;
  dismiss: string;
  dismissTitle: string;
}) {
  const [shown, setShown] = useState(true);
  if (!shown) return null;
  return (
    <div
      role="status"
      aria-label={label}
      className="flex items-center gap-2 border-b border-amber-300 bg-amber-50 px-4 py-1.5 text-xs text-amber-900 sm:py-2 sm:text-sm dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100"
    >
      <p className="flex min-w-0 flex-1 justify-center gap-1 whitespace-nowrap sm:block sm:whitespace-normal sm:text-center">
        {children}
      </p>
      <button
        type="button"
        aria-label={dismiss}
        title={dismissTitle}
        className="inline-flex h-7 w-7 shrink-0 items-center justify-center rounded-md hover:bg-amber-100 focus-visible:outline-2 focus-visible:outline-blue-500 dark:hover:bg-amber-900"
        onClick={() => {
          document.cookie = `${DEMO_COOKIE}=dismissed; path=/; max-age=31536000; samesite=lax`;
          setShown(false);
        }}
      >
        <X size={14} aria-hidden />
      </button>
    </div>
  );
}
