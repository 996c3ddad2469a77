import { forwardRef, type HTMLAttributes, type TdHTMLAttributes, type ThHTMLAttributes } from "react";
import { cn } from "./cn";

/**
 * Plain semantic table parts. `Table` puts the table in its own box that scrolls sideways, so on a phone a
 * wide table scrolls inside it and the page never does (WCAG 1.4.10). The box is focusable, so keyboard
 * users can scroll it too, and is named by `label` or by the heading `labelledBy` points at. `relative`:
 * sr-only captions and headers are positioned, and would otherwise widen the page itself.
 */
export const Table = forwardRef<
  HTMLTableElement,
  HTMLAttributes<HTMLTableElement> & {
    /** The scroll box's accessible name, and the table's (sr-only) caption. */
    label?: string;
    /** Or: the id of the heading that names the box. */
    labelledBy?: string;
    boxClassName?: string;
  }
>(function Table({ label, labelledBy, boxClassName, className, children, ...props }, ref) {
  return (
    // biome-ignore lint/a11y/useSemanticElements: a fieldset is for form controls; this is a named scroll box
    <div
      role="group"
      aria-label={label}
      aria-labelledby={labelledBy}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a box that scrolls sideways must be reachable by keyboard (axe: scrollable-region-focusable)
      tabIndex={0}
      className={cn(
        "relative max-w-full overflow-x-auto rounded focus-visible:outline-2 focus-visible:outline-blue-600",
        boxClassName,
      )}
    >
      <table ref={ref} className={cn("w-full text-left text-sm", className)} {...props}>
        {label ? <caption className="sr-only">{label}</caption> : null}
        {children}
      </table>
    </div>
  );
});

export const TableHeader = forwardRef<HTMLTableSectionElement, HTMLAttributes<HTMLTableSectionElement>>(
  function TableHeader({ className, ...props }, ref) {
    return (
      <thead
        ref={ref}
        className={cn(
          "border-b [&_tr]:border-0 border-neutral-200 text-neutral-500 dark:border-neutral-800 dark:text-neutral-400",
          className,
        )}
        {...props}
      />
    );
  },
);

export const TableBody = forwardRef<HTMLTableSectionElement, HTMLAttributes<HTMLTableSectionElement>>(
  function TableBody(props, ref) {
    return <tbody ref={ref} {...props} />;
  },
);

export const TableRow = forwardRef<HTMLTableRowElement, HTMLAttributes<HTMLTableRowElement>>(function TableRow(
  { className, ...props },
  ref,
) {
  return <tr ref={ref} className={cn("border-b border-neutral-100 dark:border-neutral-900", className)} {...props} />;
});

/**
 * `pinned`: the column stays at the box's right edge while the rest of a wide row scrolls under it (row
 * actions stay reachable on a phone); it needs the page's background to cover what passes beneath, and
 * never wraps: a cell narrower than its buttons would let them overflow onto the column beside it. On a phone,
 * where the row does pass beneath, what goes under it fades out at its left edge: the row visibly goes on.
 */
const pinnedClass = cn(
  "sticky right-0 whitespace-nowrap bg-white dark:bg-neutral-950",
  "max-sm:before:pointer-events-none max-sm:before:absolute max-sm:before:inset-y-0 max-sm:before:right-full",
  "max-sm:before:w-6 max-sm:before:bg-linear-to-l max-sm:before:from-white max-sm:before:to-transparent",
  "dark:max-sm:before:from-neutral-950",
);

/** Column headers never wrap letter by letter: a narrow screen scrolls the box instead. */
export const TableHead = forwardRef<
  HTMLTableCellElement,
  ThHTMLAttributes<HTMLTableCellElement> & { pinned?: boolean }
>(function TableHead({ className, pinned, scope = "col", ...props }, ref) {
  return (
    <th
      ref={ref}
      scope={scope}
      className={cn("py-2 pr-3 font-medium whitespace-nowrap", pinned && cn(pinnedClass, "pr-0"), className)}
      {...props}
    />
  );
});

export const TableCell = forwardRef<
  HTMLTableCellElement,
  TdHTMLAttributes<HTMLTableCellElement> & { pinned?: boolean }
>(function TableCell({ className, pinned, ...props }, ref) {
  return <td ref={ref} className={cn("py-2 pr-3", pinned && cn(pinnedClass, "pl-2 pr-0"), className)} {...props} />;
});
