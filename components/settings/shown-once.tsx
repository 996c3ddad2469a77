"use client";

import { CopyButton } from "@/components/chat/copy-button";
import { Input } from "@/components/ui/input";

/**
 * A secret shown once (a new API key, a temporary password): a heading, what to do with it, the value in a
 * read-only field that selects itself, and Copy. `children` follows (the key's code examples).
 */
export function ShownOnce({
  id,
  heading,
  help,
  label,
  value,
  copyLabel,
  children,
}: {
  id: string;
  heading: string;
  help: string;
  /** The field's accessible name ("New API key", "Temporary password"). */
  label: string;
  value: string;
  copyLabel: string;
  children?: React.ReactNode;
}) {
  return (
    <section
      aria-labelledby={`${id}-heading`}
      className="space-y-3 rounded-lg border border-green-300 bg-green-50 p-4 dark:border-green-900 dark:bg-green-950/40"
    >
      <h2 id={`${id}-heading`} className="font-medium">
        {heading}
      </h2>
      <p className="text-sm">{help}</p>
      <div className="flex gap-2">
        <label htmlFor={id} className="sr-only">
          {label}
        </label>
        <Input id={id} readOnly value={value} className="font-mono" onFocus={(e) => e.currentTarget.select()} />
        <CopyButton text={value} label={copyLabel} />
      </div>
      {children}
    </section>
  );
}
