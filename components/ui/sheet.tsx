"use client";

import { Dialog as D } from "radix-ui";
import { cn } from "./cn";

/**
 * A panel that slides in from the side, over Radix Dialog: Escape and a tap outside close it, focus is
 * trapped inside and goes back to the trigger, the page behind is inert. Used for the phone drawer.
 */
export const Sheet = D.Root;
export const SheetTrigger = D.Trigger;
export const SheetClose = D.Close;

export function SheetContent({
  title,
  children,
  className,
}: {
  title: string;
  children: React.ReactNode;
  className?: string;
}) {
  return (
    <D.Portal>
      <D.Overlay className="fixed inset-0 z-40 bg-black/40" />
      <D.Content
        aria-describedby={undefined}
        className={cn(
          "fixed inset-y-0 left-0 z-50 flex w-72 max-w-[85vw] flex-col bg-neutral-50 shadow-xl dark:bg-neutral-900",
          className,
        )}
      >
        <D.Title className="sr-only">{title}</D.Title>
        {children}
      </D.Content>
    </D.Portal>
  );
}
