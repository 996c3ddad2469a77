import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { listShares } from "@/db/queries/shares";
import { getDb } from "@/db";
import { SharesTable } from "@/components/settings/shares-table";
import { requireUser } from "@/lib/auth/session";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("meta"))("sharedLinks") };
}
export const dynamic = "force-dynamic";

export default async function SharedLinksPage() {
  const user = await requireUser();
  return <SharesTable initial={await listShares(getDb(), { userId: user.id })} />;
}
