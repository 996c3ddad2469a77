"use client";

import { Menu, X } from "lucide-react";
import { usePathname } from "next/navigation";
import { useTranslations } from "next-intl";
import { useEffect, useState, useSyncExternalStore } from "react";
import type { ConversationPage } from "@/lib/chat/types";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { Sheet, SheetClose, SheetContent, SheetTrigger } from "@/components/ui/sheet";
import { KeyboardShortcuts } from "@/components/layout/keyboard-shortcuts";
import { Sidebar } from "./sidebar";

const WIDE = "(min-width: 768px)"; // Tailwind's md
const subscribe = (onChange: () => void) => {
  const mq = window.matchMedia(WIDE);
  mq.addEventListener("change", onChange);
  return () => mq.removeEventListener("change", onChange);
};

/** The phone's top bar, outside the drawer (its Open button) and inside it (its Close button), in one place. */
function DrawerBar({ className, children }: { className?: string; children: React.ReactNode }) {
  return (
    <div className={cn("flex items-center border-b border-neutral-200 px-2 py-1 dark:border-neutral-800", className)}>
      {children}
      <span className="ml-2 text-sm font-semibold">glm-chat</span>
    </div>
  );
}

/** Sidebar beside the chat on wide screens; a drawer (a modal sheet) behind a menu button on phones. */
export function AppShell({
  email,
  firstPage,
  children,
}: {
  email: string;
  firstPage: ConversationPage;
  children: React.ReactNode;
}) {
  const t = useTranslations("sidebar");
  const [open, setOpen] = useState(false);
  // The server renders the wide layout (CSS hides its sidebar on phones); one Sidebar is mounted at a time.
  const wide = useSyncExternalStore(
    subscribe,
    () => window.matchMedia(WIDE).matches,
    () => true,
  );
  const pathname = usePathname();
  // biome-ignore lint/correctness/useExhaustiveDependencies: closes the drawer whenever the page or the layout changes
  useEffect(() => {
    setOpen(false);
  }, [pathname, wide]);
  return (
    <div className="relative flex min-h-0 flex-1">
      {wide ? (
        <aside
          aria-label={t("conversations")}
          className="z-30 hidden w-72 shrink-0 border-r border-neutral-200 bg-neutral-50 md:static md:flex dark:border-neutral-800 dark:bg-neutral-900"
        >
          <Sidebar email={email} firstPage={firstPage} />
        </aside>
      ) : null}
      <div className="flex min-w-0 flex-1 flex-col">
        <Sheet open={open} onOpenChange={setOpen}>
          <DrawerBar className="md:hidden">
            <SheetTrigger asChild>
              <Button variant="ghost" size="icon" aria-label={t("openSidebar")}>
                <Menu size={18} aria-hidden />
              </Button>
            </SheetTrigger>
          </DrawerBar>
          {wide ? null : (
            <SheetContent title={t("conversations")}>
              <DrawerBar>
                <SheetClose asChild>
                  <Button variant="ghost" size="icon" aria-label={t("closeSidebar")}>
                    <X size={18} aria-hidden />
                  </Button>
                </SheetClose>
              </DrawerBar>
              {/* Mounted on opening: it may have missed list changes while closed, so it asks again. */}
              <div className="flex min-h-0 flex-1">
                <Sidebar email={email} firstPage={firstPage} refreshOnMount />
              </div>
            </SheetContent>
          )}
        </Sheet>
        {/* The page's own content: the landmark screen readers jump to (the sidebar is an aside, the bar above a drawer's). */}
        <main className="flex min-h-0 flex-1 flex-col">{children}</main>
      </div>
      <KeyboardShortcuts />
    </div>
  );
}
