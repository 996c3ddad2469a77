import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { DemoBanner } from "@/components/layout/demo-banner";
import { SettingsNav } from "@/components/settings/settings-nav";
import { isAdmin } from "@/lib/auth/admin";
import { requireUser } from "@/lib/auth/session";

export default async function SettingsLayout({ children }: { children: React.ReactNode }) {
  const user = await requireUser();
  const t = await getTranslations("settings");
  return (
    <>
      <DemoBanner />
      <main className="mx-auto max-w-5xl px-4 py-6">
        <header className="mb-6 flex flex-wrap items-center justify-between gap-3">
          <div>
            <Link href="/" className="text-sm text-neutral-500 dark:text-neutral-400 hover:underline">
              {t("back")}
            </Link>
            <h1 className="text-2xl font-semibold tracking-tight">{t("heading")}</h1>
          </div>
          <span className="text-sm text-neutral-500 dark:text-neutral-400">{user.email}</span>
        </header>
        <SettingsNav admin={await isAdmin(user)} />
        <div className="mt-6">{children}</div>
      </main>
    </>
  );
}
