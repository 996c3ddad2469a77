import type { ConversationListItem } from "@/lib/chat/types";

/** Keys of the "sidebar.groups" catalogue entries ("Today", "Yesterday", "Previous 7 days", "Older"). */
export const GROUPS = ["today", "yesterday", "previous7", "older"] as const;
export type Group = (typeof GROUPS)[number];

/** Buckets by calendar day in the viewer's own time zone. */
export function groupOf(updatedAt: number, now = new Date()): Group {
  const startOfToday = new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
  const day = 86_400_000;
  if (updatedAt >= startOfToday) return "today";
  if (updatedAt >= startOfToday - day) return "yesterday";
  if (updatedAt >= startOfToday - 7 * day) return "previous7";
  return "older";
}

export function groupConversations(items: ConversationListItem[], now = new Date()) {
  const out = new Map<Group, ConversationListItem[]>();
  for (const item of items) {
    const g = groupOf(item.updatedAt, now);
    out.set(g, [...(out.get(g) ?? []), item]);
  }
  return GROUPS.filter((g) => out.has(g)).map((g) => ({ group: g, items: out.get(g)! }));
}
