"use client";

import { useEffect, useState } from "react";
import useSWR from "swr";
import type { ConversationListItem } from "@/lib/chat/types";

/** What a search fetcher returns: the matching conversations, tagged with the query they answer. */
export interface SearchAnswer {
  query: string;
  items: ConversationListItem[];
}
export type SearchFetcher = (query: string) => Promise<ConversationListItem[]>;

/** `value`, once it has stayed the same for `ms` (typing pauses). */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return settled;
}

/**
 * The sidebar's search, through SWR with the query in the key: an answer is cached under the query it
 * answers, so a slow answer to an older query ("ab") never replaces the answer to the newer one ("abc"),
 * whatever order they arrive in. While the newer answer is on its way, the previous results stay and are
 * reported `stale`. `results` is null when nothing is typed.
 */
export function useConversationSearch(query: string, fetcher: SearchFetcher, debounceMs = 200) {
  const typed = query.trim();
  const asked = useDebounced(typed, debounceMs);
  const search = useSWR(
    asked ? (["search-conversations", asked] as const) : null,
    async ([, q]): Promise<SearchAnswer> => ({ query: q, items: await fetcher(q) }),
    { keepPreviousData: true, revalidateOnFocus: false },
  );
  const results = typed && search.data ? search.data.items : null;
  return {
    results,
    /** The results shown answer an earlier query than the one typed. */
    stale: !!results && search.data?.query !== typed,
    error: typed ? (search.error as unknown) : undefined,
    /** Edits the shown results in place (a rename or delete), without asking the server again. */
    update: (edit: (items: ConversationListItem[]) => ConversationListItem[]) =>
      void search.mutate((r) => r && { ...r, items: edit(r.items) }, { revalidate: false }),
  };
}
