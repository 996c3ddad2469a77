import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { KeysPanel } from "@/components/settings/keys-panel";
import { isAdmin } from "@/lib/auth/admin";
import { keysShownTo } from "@/lib/auth/api-keys";
import { requireUser } from "@/lib/auth/session";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("meta"))("apiKeys") };
}
export const dynamic = "force-dynamic";

export default async function KeysPage() {
  const user = await requireUser();
  const admin = await isAdmin(user);
  const t = await getTranslations("keysPage");
  return <KeysPanel initial={await keysShownTo(user)} admin={admin} listHeading={t(admin ? "allKeys" : "yourKeys")} />;
}
