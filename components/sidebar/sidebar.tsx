"use client";

import { Keyboard, LogOut, Search, Settings, SquarePen } from "lucide-react";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { useNewChat } from "@/components/layout/new-chat";
import { showShortcuts } from "@/components/layout/shortcut-keys";
import { useCallback, useEffect, useRef, useState } from "react";
import { listConversationsAction, searchConversationsAction } from "@/app/(chat)/actions";
import { logout } from "@/app/(auth)/actions";
import type { ConversationListItem, ConversationPage } from "@/lib/chat/types";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { Input } from "@/components/ui/input";
import { onConversationsChanged } from "./events";
import { groupConversations } from "./groups";
import { useConversationSearch } from "./use-search";
import { ConversationItem } from "./conversation-item";
import { useReach } from "@/components/ui/use-reach";

export function Sidebar({
  email,
  firstPage,
  refreshOnMount,
}: {
  email: string;
  firstPage: ConversationPage;
  refreshOnMount?: boolean;
}) {
  const [items, setItems] = useState<ConversationListItem[]>(firstPage.items);
  const [cursor, setCursor] = useState<string | null>(firstPage.nextCursor);
  const [query, setQuery] = useState("");
  const [loading, setLoading] = useState(false);
  const more = useRef<HTMLDivElement>(null);
  const nav = useRef<HTMLElement>(null);
  const newChat = useRef<HTMLAnchorElement>(null);
  /** After a delete: the conversation whose link takes focus (null: New chat), once the list has re-rendered. */
  const focusAfterDelete = useRef<string | null | undefined>(undefined);
  const t = useTranslations("sidebar");
  const ts = useTranslations("shortcuts");
  const startNewChat = useNewChat();
  const reach = useReach();

  const reload = useCallback(async () => {
    const r = await reach(listConversationsAction({ cursor: null }));
    if (r.ok) {
      setItems(r.data.items);
      setCursor(r.data.nextCursor);
    }
  }, [reach]);
  useEffect(() => onConversationsChanged(() => void reload()), [reload]);
  useEffect(() => {
    if (refreshOnMount) void reload();
  }, [refreshOnMount, reload]);

  const loadMore = useCallback(async () => {
    if (!cursor || loading) return;
    setLoading(true);
    const r = await reach(listConversationsAction({ cursor }));
    setLoading(false);
    if (r.ok) {
      setItems((prev) => [...prev, ...r.data.items.filter((i) => !prev.some((p) => p.id === i.id))]);
      setCursor(r.data.nextCursor);
    }
  }, [cursor, loading, reach]);

  // Infinite scroll: the next page loads when the end of the list comes into view.
  useEffect(() => {
    const el = more.current;
    if (!el) return;
    const io = new IntersectionObserver((entries) => entries[0]?.isIntersecting && void loadMore());
    io.observe(el);
    return () => io.disconnect();
  }, [loadMore]);

  // Search through the server action; a refusal (a session that ended, no server) becomes the search's error.
  const searchByAction = useCallback(
    async (q: string) => {
      const r = await reach(searchConversationsAction({ query: q }));
      if (!r.ok) throw new Error(r.error);
      return r.data;
    },
    [reach],
  );
  const { results, stale, error: searchError, update: updateResults } = useConversationSearch(query, searchByAction);

  const onRenamed = (id: string, title: string) => {
    const rename = (list: ConversationListItem[]) => list.map((i) => (i.id === id ? { ...i, title } : i));
    setItems(rename);
    updateResults(rename);
  };
  const onDeleted = (id: string) => {
    // The row whose button opened the dialog is gone, and focus with it: it moves to the next row (the one
    // before, for the last), or to New chat when none is left.
    const shown = results ?? items;
    const at = shown.findIndex((i) => i.id === id);
    focusAfterDelete.current = (shown[at + 1] ?? shown[at - 1])?.id ?? null;
    setItems((list) => list.filter((i) => i.id !== id));
    updateResults((list) => list.filter((i) => i.id !== id));
  };
  useEffect(() => {
    const target = focusAfterDelete.current;
    if (target === undefined) return;
    focusAfterDelete.current = undefined;
    const link = target && nav.current?.querySelector<HTMLAnchorElement>(`a[href="/chat/${CSS.escape(target)}"]`);
    (link || newChat.current)?.focus();
  });

  const list = (entries: ConversationListItem[], searched?: string) => (
    <ul className="space-y-0.5">
      {entries.map((c) => (
        <ConversationItem key={c.id} item={c} query={searched} onRenamed={onRenamed} onDeleted={onDeleted} />
      ))}
    </ul>
  );

  return (
    <div className="flex min-h-0 w-full flex-col">
      <div className="space-y-2 p-3">
        <Link
          ref={newChat}
          href="/"
          prefetch={false}
          onClick={(e) => {
            e.preventDefault();
            startNewChat();
          }}
          className="flex h-9 items-center gap-2 rounded-md border border-neutral-300 bg-white px-3 text-sm font-medium hover:bg-neutral-100 dark:border-neutral-700 dark:bg-neutral-950 dark:hover:bg-neutral-800"
        >
          <SquarePen size={16} aria-hidden /> {t("newChat")}
        </Link>
        <div className="relative">
          <Search size={14} className="pointer-events-none absolute left-2.5 top-2.5 text-neutral-400" aria-hidden />
          <Input
            type="search"
            aria-label={t("search")}
            placeholder={t("searchPlaceholder")}
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            className="pl-8"
          />
        </div>
      </div>
      <nav ref={nav} aria-label={t("list")} className="min-h-0 flex-1 overflow-y-auto px-2 pb-3">
        {results ? (
          <section aria-label={t("searchResults")} aria-busy={stale} className={cn(stale && "opacity-60")}>
            <h2 className="px-2 py-1 text-xs font-medium text-neutral-500 dark:text-neutral-400">
              {t("searchResults")}
            </h2>
            {results.length ? (
              list(results, query.trim())
            ) : (
              <p className="px-2 text-sm text-neutral-500 dark:text-neutral-400">{t("noMatch")}</p>
            )}
          </section>
        ) : searchError ? (
          <p role="alert" className="px-2 text-sm text-red-600">
            {searchError instanceof Error ? searchError.message : t("searchFailed")}
          </p>
        ) : items.length === 0 ? (
          <p className="px-2 py-4 text-sm text-neutral-500 dark:text-neutral-400">{t("empty")}</p>
        ) : (
          groupConversations(items).map(({ group, items: entries }) => (
            <section key={group} aria-label={t(`groups.${group}`)} className="mb-3">
              <h2 className="px-2 py-1 text-xs font-medium text-neutral-500 dark:text-neutral-400">
                {t(`groups.${group}`)}
              </h2>
              {list(entries)}
            </section>
          ))
        )}
        {!results && cursor ? (
          <div ref={more} className="px-2">
            <Button variant="ghost" size="sm" onClick={() => void loadMore()} disabled={loading}>
              {loading ? t("loading") : t("loadMore")}
            </Button>
          </div>
        ) : null}
      </nav>
      <div className="flex items-center justify-between gap-2 border-t border-neutral-200 p-3 text-sm dark:border-neutral-800">
        <span className="min-w-0 truncate text-neutral-600 dark:text-neutral-400" title={email}>
          {email}
        </span>
        {/* Where the shortcuts can be found without knowing one; phones have no keyboard to use them with. */}
        <button
          type="button"
          onClick={showShortcuts}
          aria-label={ts("title")}
          title={ts("title")}
          className="ml-auto hidden h-7 w-7 items-center justify-center rounded-md hover:bg-neutral-200 md:inline-flex dark:hover:bg-neutral-800"
        >
          <Keyboard size={14} aria-hidden />
        </button>
        <Link
          href="/settings"
          aria-label={t("settings")}
          title={t("settings")}
          className="ml-auto inline-flex h-7 w-7 items-center justify-center rounded-md hover:bg-neutral-200 md:ml-0 dark:hover:bg-neutral-800"
        >
          <Settings size={14} aria-hidden />
        </Link>
        <form action={logout}>
          <Button type="submit" variant="ghost" size="sm" className="whitespace-nowrap">
            <LogOut size={14} aria-hidden /> {t("signOut")}
          </Button>
        </form>
      </div>
    </div>
  );
}
