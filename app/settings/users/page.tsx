import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { notFound } from "next/navigation";
import { UsersPanel } from "@/components/settings/users-panel";
import { isAdmin } from "@/lib/auth/admin";
import { requireUser } from "@/lib/auth/session";
import { config } from "@/lib/config";
import { listUsersAction } from "./actions";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("meta"))("users") };
}
export const dynamic = "force-dynamic";

/** The team's accounts, for admins; anyone else gets the same 404 as a page that does not exist. */
export default async function UsersPage() {
  const user = await requireUser();
  if (!(await isAdmin(user))) notFound();
  const listed = await listUsersAction({});
  if (!listed.ok) notFound();
  return <UsersPanel initial={listed.data} me={user.id} registrationOpen={config().allowRegistration} />;
}
