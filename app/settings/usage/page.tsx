import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { UsageDashboard } from "@/components/settings/usage-dashboard";
import { isAdmin } from "@/lib/auth/admin";
import { requireUser } from "@/lib/auth/session";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("meta"))("usage") };
}
export const dynamic = "force-dynamic";

export default async function UsagePage() {
  const user = await requireUser();
  return <UsageDashboard admin={await isAdmin(user)} />;
}
