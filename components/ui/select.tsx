"use client";

import { Check, ChevronDown } from "lucide-react";
import { Select as S } from "radix-ui";
import { forwardRef, type ComponentPropsWithoutRef, type ComponentRef, type ReactNode } from "react";
import { cn } from "./cn";

/**
 * A select over Radix: the trigger is a combobox button (name it with a <label htmlFor> or aria-label),
 * the list a listbox of options, typeahead and arrow keys included. Given a `name` inside a <form>, Radix
 * adds a hidden native select, so the value is submitted with the form. Item values cannot be "".
 */
export const Select = S.Root;
export const SelectValue = S.Value;
export const SelectGroup = S.Group;

export const SelectTrigger = forwardRef<ComponentRef<typeof S.Trigger>, ComponentPropsWithoutRef<typeof S.Trigger>>(
  function SelectTrigger({ className, children, ...props }, ref) {
    return (
      <S.Trigger
        ref={ref}
        className={cn(
          "inline-flex h-9 items-center justify-between gap-1 rounded-md border border-neutral-300 bg-white px-2.5 text-sm",
          "hover:bg-neutral-100 dark:border-neutral-700 dark:bg-neutral-900 dark:hover:bg-neutral-800",
          "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-500",
          "disabled:pointer-events-none disabled:opacity-50 data-[placeholder]:text-neutral-500",
          className,
        )}
        {...props}
      >
        {children}
        <S.Icon asChild>
          <ChevronDown size={14} aria-hidden className="shrink-0 opacity-70" />
        </S.Icon>
      </S.Trigger>
    );
  },
);

export const SelectContent = forwardRef<ComponentRef<typeof S.Content>, ComponentPropsWithoutRef<typeof S.Content>>(
  function SelectContent({ className, children, position = "popper", sideOffset = 4, ...props }, ref) {
    return (
      <S.Portal>
        <S.Content
          ref={ref}
          position={position}
          sideOffset={sideOffset}
          className={cn(
            "z-50 max-h-[min(70dvh,var(--radix-select-content-available-height))] min-w-[var(--radix-select-trigger-width)] overflow-hidden",
            "rounded-lg border border-neutral-200 bg-white text-neutral-900 shadow-lg dark:border-neutral-800 dark:bg-neutral-900 dark:text-neutral-100",
            className,
          )}
          {...props}
        >
          <S.Viewport className="p-1">{children}</S.Viewport>
        </S.Content>
      </S.Portal>
    );
  },
);

/**
 * One option, named by its children (the text the trigger shows once chosen). `description` is a second
 * line in the list only, outside the option's text.
 */
export const SelectItem = forwardRef<
  ComponentRef<typeof S.Item>,
  ComponentPropsWithoutRef<typeof S.Item> & { description?: ReactNode }
>(function SelectItem({ className, children, description, ...props }, ref) {
  return (
    <S.Item
      ref={ref}
      className={cn(
        "relative flex cursor-default select-none flex-col rounded-md py-1.5 pl-7 pr-2 text-sm outline-none",
        "data-[highlighted]:bg-neutral-100 dark:data-[highlighted]:bg-neutral-800 data-[disabled]:pointer-events-none data-[disabled]:opacity-50",
        className,
      )}
      {...props}
    >
      <S.ItemIndicator className="absolute left-2 top-2.5">
        <Check size={14} aria-hidden />
      </S.ItemIndicator>
      <S.ItemText>{children}</S.ItemText>
      {description ? <span className="text-xs text-neutral-500 dark:text-neutral-400">{description}</span> : null}
    </S.Item>
  );
});
