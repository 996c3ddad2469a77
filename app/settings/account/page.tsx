import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { AccountPanel } from "@/components/settings/account-panel";
import { requireUser } from "@/lib/auth/session";
import { liveSessionCount } from "@/lib/auth/sessions";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("meta"))("account") };
}
export const dynamic = "force-dynamic";

export default async function AccountPage() {
  const user = await requireUser();
  return (
    <AccountPanel
      email={user.email}
      sessionCount={await liveSessionCount({ userId: user.id })}
      hasPassword={user.passwordHash !== null}
    />
  );
}
