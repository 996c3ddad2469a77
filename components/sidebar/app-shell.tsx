"use client";

import { Menu, X } from "lucide-react";
import { usePathname } from "next/navigation";
import { useEffect, useState } from "react";
import type { ConversationPage } from "@/db/queries/conversations";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { Sidebar } from "./sidebar";

/** Sidebar beside the chat on wide screens; a drawer behind a menu button on phones. */
export function AppShell({ email, firstPage, children }: { email: string; firstPage: ConversationPage; children: React.ReactNode }) {
  const [open, setOpen] = useState(false);
  const pathname = usePathname();
  useEffect(() => {
    setOpen(false);
  }, [pathname]);
  return (
    <div className="relative flex min-h-0 flex-1">
      <aside aria-label="Conversations"
        className={cn("z-30 w-72 shrink-0 border-r border-neutral-200 bg-neutral-50 dark:border-neutral-800 dark:bg-neutral-900",
          "md:static md:flex", open ? "fixed inset-y-0 left-0 flex" : "hidden")}>
        <Sidebar email={email} firstPage={firstPage} />
      </aside>
      {open ? (
        <div aria-hidden className="fixed inset-0 z-20 bg-black/40 md:hidden" onClick={() => setOpen(false)} />
      ) : null}
      <div className="flex min-w-0 flex-1 flex-col">
        <div className="flex items-center border-b border-neutral-200 px-2 py-1 md:hidden dark:border-neutral-800">
          <Button variant="ghost" size="icon" aria-label={open ? "Close sidebar" : "Open sidebar"} onClick={() => setOpen(!open)}>
            {open ? <X size={18} /> : <Menu size={18} />}
          </Button>
          <span className="ml-2 text-sm font-semibold">glm-chat</span>
        </div>
        {children}
      </div>
    </div>
  );
}
