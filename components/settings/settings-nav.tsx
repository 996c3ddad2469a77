"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/components/ui/cn";

const TABS = [
  { href: "/settings/keys", label: "API keys" },
  { href: "/settings/usage", label: "Usage" },
  { href: "/settings/shares", label: "Shared links" },
  { href: "/settings/account", label: "Account" },
  { href: "/settings/data", label: "Data" },
];

export function SettingsNav() {
  const pathname = usePathname();
  return (
    <nav aria-label="Settings" className="flex gap-1 border-b border-neutral-200 dark:border-neutral-800">
      {TABS.map((t) => (
        <Link
          key={t.href}
          href={t.href}
          aria-current={pathname === t.href ? "page" : undefined}
          className={cn(
            "-mb-px border-b-2 px-3 py-2 text-sm",
            pathname === t.href
              ? "border-neutral-900 font-medium dark:border-neutral-100"
              : "border-transparent text-neutral-500 dark:text-neutral-400 hover:text-neutral-900 dark:hover:text-neutral-100",
          )}
        >
          {t.label}
        </Link>
      ))}
    </nav>
  );
}
