import type { Metadata } from "next";
import { AccountPanel } from "@/components/settings/account-panel";
import { requireUser } from "@/lib/auth/session";
import { liveSessionCount } from "@/lib/auth/sessions";

export const metadata: Metadata = { title: "Account" };
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
