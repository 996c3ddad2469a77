"use client";

import { ToggleGroup as G } from "radix-ui";
import { forwardRef, type ComponentPropsWithoutRef, type ComponentRef } from "react";
import { cn } from "./cn";

/**
 * A segmented control over Radix ToggleGroup. With `type="single"` it is a radiogroup of radios
 * (aria-checked), moved through with the arrow keys, which also choose, as in any radio group (Radix only moves
 * the focus); with `type="multiple"` a toolbar of toggle buttons. A single group lets the pressed item be
 * pressed again to clear it: ignore an empty value to always keep one.
 */
export const ToggleGroup = forwardRef<ComponentRef<typeof G.Root>, ComponentPropsWithoutRef<typeof G.Root>>(
  function ToggleGroup({ className, ...props }, ref) {
    return (
      <G.Root
        ref={ref}
        className={cn("inline-flex rounded-md border border-neutral-300 p-0.5 dark:border-neutral-700", className)}
        {...props}
      />
    );
  },
);

export const ToggleGroupItem = forwardRef<ComponentRef<typeof G.Item>, ComponentPropsWithoutRef<typeof G.Item>>(
  function ToggleGroupItem({ className, onFocus, ...props }, ref) {
    return (
      <G.Item
        ref={ref}
        onFocus={(e) => {
          onFocus?.(e);
          // Keyboard focus only (a mouse's press chooses by itself), and only a radio not yet chosen.
          const item = e.currentTarget;
          if (item.getAttribute("role") === "radio" && item.dataset.state !== "on" && item.matches(":focus-visible")) {
            item.click();
          }
        }}
        className={cn(
          "rounded px-3 py-1 text-sm transition-colors hover:bg-neutral-100 dark:hover:bg-neutral-800",
          "focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-blue-500",
          "data-[state=on]:bg-neutral-900 data-[state=on]:text-white dark:data-[state=on]:bg-neutral-100 dark:data-[state=on]:text-neutral-900",
          "disabled:pointer-events-none disabled:opacity-50",
          className,
        )}
        {...props}
      />
    );
  },
);
