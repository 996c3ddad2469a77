import type { Metadata } from "next";
import { listShares } from "@/db/queries/shares";
import { getDb } from "@/db";
import { SharesTable } from "@/components/settings/shares-table";
import { requireUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Shared links" };
export const dynamic = "force-dynamic";

export default async function SharedLinksPage() {
  const user = await requireUser();
  return <SharesTable initial={await listShares(getDb(), { userId: user.id })} />;
}
