"use client";

import { Tabs as T } from "radix-ui";
import { forwardRef, type ComponentPropsWithoutRef, type ComponentRef } from "react";
import { cn } from "./cn";

/**
 * Tabs over Radix: a tablist with arrow-key navigation (one Tab stop), each tab tied to its panel by
 * aria-controls / aria-labelledby; only the active panel is rendered.
 */
export const Tabs = T.Root;

export const TabsList = forwardRef<ComponentRef<typeof T.List>, ComponentPropsWithoutRef<typeof T.List>>(
  function TabsList({ className, ...props }, ref) {
    return <T.List ref={ref} className={cn("flex gap-1", className)} {...props} />;
  },
);

export const TabsTrigger = forwardRef<ComponentRef<typeof T.Trigger>, ComponentPropsWithoutRef<typeof T.Trigger>>(
  function TabsTrigger({ className, ...props }, ref) {
    return (
      <T.Trigger
        ref={ref}
        className={cn(
          "rounded-t-md px-3 py-1 text-sm text-neutral-600 transition-colors hover:text-neutral-900 dark:text-neutral-400 dark:hover:text-neutral-100",
          "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-500",
          "data-[state=active]:bg-neutral-900 data-[state=active]:text-white dark:data-[state=active]:bg-neutral-100 dark:data-[state=active]:text-neutral-900",
          "disabled:pointer-events-none disabled:opacity-50",
          className,
        )}
        {...props}
      />
    );
  },
);

export const TabsContent = forwardRef<ComponentRef<typeof T.Content>, ComponentPropsWithoutRef<typeof T.Content>>(
  function TabsContent({ className, ...props }, ref) {
    return (
      <T.Content
        ref={ref}
        className={cn(
          "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-500",
          className,
        )}
        {...props}
      />
    );
  },
);
