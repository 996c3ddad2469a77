import type { Metadata } from "next";
import { UsageDashboard } from "@/components/settings/usage-dashboard";
import { isAdmin } from "@/lib/auth/admin";
import { requireUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Usage" };
export const dynamic = "force-dynamic";

export default async function UsagePage() {
  const user = await requireUser();
  return <UsageDashboard admin={await isAdmin(user)} />;
}
