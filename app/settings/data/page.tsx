import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { DataPanel } from "@/components/settings/data-panel";
import { requireUser } from "@/lib/auth/session";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("data"))("pageTitle") };
}
export const dynamic = "force-dynamic";

export default async function DataPage() {
  const user = await requireUser();
  return <DataPanel email={user.email} />;
}
