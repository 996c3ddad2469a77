import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { UsageDashboard } from "@/components/settings/usage-dashboard";
import { isAdmin } from "@/lib/auth/admin";
import { requireUser } from "@/lib/auth/session";
import { usageRangeOf } from "@/lib/usage/ranges";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("meta"))("usage") };
}
export const dynamic = "force-dynamic";

/** `?range=7|30|90&scope=everyone`, as the dashboard writes them; anything else is the default (7 days, mine). */
export default async function UsagePage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[]>>;
}) {
  const user = await requireUser();
  const query = await searchParams;
  const admin = await isAdmin(user);
  return (
    <UsageDashboard
      admin={admin}
      initialDays={usageRangeOf(query.range)}
      initialEveryone={admin && query.scope === "everyone"}
    />
  );
}
