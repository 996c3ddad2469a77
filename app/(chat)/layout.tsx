import { listConversations } from "@/db/queries/conversations";
import { getDb } from "@/db";
import { DemoBanner } from "@/components/layout/demo-banner";
import { AppShell } from "@/components/sidebar/app-shell";
import { requireUser } from "@/lib/auth/session";

export default async function ChatLayout({ children }: { children: React.ReactNode }) {
  const user = await requireUser();
  const firstPage = await listConversations(getDb(), { userId: user.id, limit: 50 });
  return (
    <div className="flex h-dvh flex-col">
      <DemoBanner />
      <AppShell email={user.email} firstPage={firstPage}>
        {children}
      </AppShell>
    </div>
  );
}
