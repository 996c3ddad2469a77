"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useTranslations } from "next-intl";
import { cn } from "@/components/ui/cn";

/** Labels are keys of the "settings" catalogue namespace ("data" is there for the Data page). */
const TABS = [
  { href: "/settings/keys", label: "keys" },
  { href: "/settings/usage", label: "usage" },
  { href: "/settings/shares", label: "shares" },
  { href: "/settings/account", label: "account" },
  { href: "/settings/data", label: "data" },
] as const;
const ADMIN_TABS = [
  { href: "/settings/models", label: "models" },
  { href: "/settings/users", label: "users" },
] as const;

/** The settings tabs; admins also get Models and Users (the pages themselves check again). */
export function SettingsNav({ admin }: { admin: boolean }) {
  const pathname = usePathname();
  const tr = useTranslations("settings");
  return (
    <nav
      aria-label={tr("nav")}
      // Wrapped, not scrolled sideways: on a phone the last tabs (Data, Models) were past the edge with no hint.
      className="flex flex-wrap gap-x-1 border-b border-neutral-200 dark:border-neutral-800"
    >
      {[...TABS, ...(admin ? ADMIN_TABS : [])].map((t) => (
        <Link
          key={t.href}
          href={t.href}
          aria-current={pathname === t.href ? "page" : undefined}
          className={cn(
            "-mb-px whitespace-nowrap border-b-2 px-3 py-2 text-sm",
            pathname === t.href
              ? "border-neutral-900 font-medium dark:border-neutral-100"
              : "border-transparent text-neutral-500 dark:text-neutral-400 hover:text-neutral-900 dark:hover:text-neutral-100",
          )}
        >
          {tr(t.label)}
        </Link>
      ))}
    </nav>
  );
}
