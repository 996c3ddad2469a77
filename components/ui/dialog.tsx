"use client";

import { Dialog as D } from "radix-ui";
import { useRef } from "react";
import { Button } from "./button";
import { cn } from "./cn";

/**
 * A modal dialog over Radix: focus trapped, Escape closes, title announced, and focus given back on close to
 * whatever had it when the dialog opened (the button that opened it). These dialogs are opened from state, not
 * from a Radix trigger, and Radix gives focus back only to its trigger: without this it fell to the page's body,
 * and a keyboard or screen reader user had to find their place again from the top.
 */
export function Dialog({
  open,
  onOpenChange,
  title,
  description,
  children,
  className,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  description?: string;
  children: React.ReactNode;
  className?: string;
}) {
  const opener = useRef<HTMLElement | null>(null);
  return (
    <D.Root open={open} onOpenChange={onOpenChange}>
      <D.Portal>
        <D.Overlay className="fixed inset-0 z-40 bg-black/40" />
        <D.Content
          className={cn(
            "fixed left-1/2 top-1/2 z-50 w-[calc(100vw-2rem)] max-w-md -translate-x-1/2 -translate-y-1/2",
            "rounded-lg border border-neutral-200 bg-white p-5 shadow-xl dark:border-neutral-800 dark:bg-neutral-900",
            className,
          )}
          // No description: none announced (Radix's way to say so). An sr-only copy of the title made screen
          // readers read the title twice.
          {...(description ? {} : { "aria-describedby": undefined })}
          onOpenAutoFocus={() => {
            // Runs before Radix moves focus into the dialog (to its first field or button): what has focus now
            // opened the dialog. A field inside with React's `autoFocus` would take focus first, and be
            // mistaken for the opener: leave first focus to Radix.
            opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
          }}
          onCloseAutoFocus={(event) => {
            const back = opener.current;
            opener.current = null;
            // Gone (a deleted conversation's row): Radix's own handling stands.
            if (!back?.isConnected) return;
            event.preventDefault();
            back.focus({ preventScroll: true });
          }}
        >
          <D.Title className="text-base font-semibold">{title}</D.Title>
          {description ? (
            <D.Description className="mt-1 text-sm text-neutral-600 dark:text-neutral-400">{description}</D.Description>
          ) : null}
          <div className="mt-4">{children}</div>
        </D.Content>
      </D.Portal>
    </D.Root>
  );
}

/** A form dialog's footer: Cancel (closes, submits nothing) and the submit button, disabled while busy. */
export function DialogActions({
  cancel,
  submit,
  onCancel,
  onConfirm,
  busy,
  danger,
}: {
  cancel: string;
  submit: string;
  onCancel: () => void;
  /** The confirm button's action; without it, the button submits the dialog's form. */
  onConfirm?: () => void;
  busy?: boolean;
  /** The confirm button in red: it deletes, revokes or signs out. */
  danger?: boolean;
}) {
  return (
    <div className="flex justify-end gap-2">
      <Button variant="secondary" onClick={onCancel}>
        {cancel}
      </Button>
      <Button
        type={onConfirm ? "button" : "submit"}
        variant={danger ? "danger" : "primary"}
        busy={busy}
        onClick={onConfirm}
      >
        {submit}
      </Button>
    </div>
  );
}
