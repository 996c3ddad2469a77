"use client";

import { Check, ChevronDown } from "lucide-react";
import { Select } from "radix-ui";
import { formatContext, MODELS } from "@/lib/models";

/** The Model control: each option is named exactly by the model, with its blurb and context size beside it. */
export function ModelPicker({ value, onChange, disabled }: { value: string; onChange: (model: string) => void; disabled?: boolean }) {
  return (
    <Select.Root value={value} onValueChange={onChange} disabled={disabled}>
      <Select.Trigger aria-label="Model"
        className="inline-flex h-8 items-center gap-1 rounded-md border border-neutral-300 bg-white px-2.5 text-sm font-medium hover:bg-neutral-100 focus-visible:outline-2 focus-visible:outline-blue-500 dark:border-neutral-700 dark:bg-neutral-900 dark:hover:bg-neutral-800">
        <Select.Value />
        <Select.Icon><ChevronDown size={14} aria-hidden /></Select.Icon>
      </Select.Trigger>
      <Select.Portal>
        <Select.Content position="popper" sideOffset={4}
          className="z-50 max-h-[70dvh] w-[min(22rem,calc(100vw-1rem))] overflow-hidden rounded-lg border border-neutral-200 bg-white shadow-lg dark:border-neutral-800 dark:bg-neutral-900">
          <Select.Viewport className="p-1">
            {MODELS.map((m) => (
              <Select.Item key={m.id} value={m.id} aria-label={m.id}
                className="relative flex cursor-default select-none flex-col rounded-md py-1.5 pl-7 pr-2 outline-none data-[highlighted]:bg-neutral-100 dark:data-[highlighted]:bg-neutral-800">
                <Select.ItemIndicator className="absolute left-2 top-2.5"><Check size={14} aria-hidden /></Select.ItemIndicator>
                <Select.ItemText><span className="text-sm font-medium">{m.id}</span></Select.ItemText>
                <span className="text-xs text-neutral-500 dark:text-neutral-400">{m.description} · {formatContext(m.contextWindow)} context</span>
              </Select.Item>
            ))}
          </Select.Viewport>
        </Select.Content>
      </Select.Portal>
    </Select.Root>
  );
}
