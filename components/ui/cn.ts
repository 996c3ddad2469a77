import { clsx, type ClassValue } from "clsx";
import { twMerge } from "tailwind-merge";

/**
 * Joins class names (strings, conditionals, arrays, objects — clsx) and resolves Tailwind conflicts so the
 * later class wins (tailwind-merge): `cn("h-9 px-3", "h-10")` is `"px-3 h-10"`, never both heights.
 */
export function cn(...inputs: ClassValue[]): string {
  return twMerge(clsx(inputs));
}
