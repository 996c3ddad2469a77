import { forwardRef, type ButtonHTMLAttributes } from "react";
import { cn } from "./cn";

const variants = {
  primary:
    "bg-neutral-900 text-white hover:bg-neutral-700 dark:bg-neutral-100 dark:text-neutral-900 dark:hover:bg-neutral-300",
  secondary:
    "border border-neutral-300 bg-white hover:bg-neutral-100 dark:border-neutral-700 dark:bg-neutral-900 dark:hover:bg-neutral-800",
  ghost: "hover:bg-neutral-100 dark:hover:bg-neutral-800",
  danger: "bg-red-600 text-white hover:bg-red-700",
};
const sizes = { md: "h-9 px-3 text-sm", sm: "h-7 px-2 text-xs", icon: "h-8 w-8 justify-center" };

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: keyof typeof variants;
  size?: keyof typeof sizes;
  /**
   * While its work runs: looks and is announced disabled, and ignores presses (a form's submit too), but keeps
   * the focus. A `disabled` button drops it to the page's body, so after pressing Save, Add or Disable a
   * keyboard or screen reader user had lost their place. For anything else, `disabled`.
   */
  busy?: boolean;
}

export const Button = forwardRef<HTMLButtonElement, ButtonProps>(function Button(
  { variant = "primary", size = "md", className, type = "button", busy, onClick, ...props },
  ref,
) {
  return (
    <button
      ref={ref}
      type={type}
      aria-disabled={busy || undefined}
      // Only where `busy` is used: a server component's button carries no handler.
      onClick={
        busy === undefined
          ? onClick
          : (e) => {
              if (busy) e.preventDefault();
              else onClick?.(e);
            }
      }
      className={cn(
        "inline-flex shrink-0 items-center gap-1.5 rounded-md font-medium transition-colors",
        "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-500",
        "disabled:pointer-events-none disabled:opacity-50 aria-disabled:cursor-default aria-disabled:opacity-50",
        variants[variant],
        sizes[size],
        className,
      )}
      {...props}
    />
  );
});
