import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { LanguageSelect } from "@/components/i18n/language-select";
import { NewPasswordPanel } from "@/components/auth/new-password-panel";
import { safeNext } from "@/lib/auth/safe-next";
import { currentUser } from "@/lib/auth/session";
import { NEW_PASSWORD_PATH } from "@/lib/auth/temporary-password";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("meta"))("newPassword") };
}
export const dynamic = "force-dynamic";

/**
 * Where an account on a temporary password is sent by every other page (lib/auth/session.ts requireUser), and
 * stays until its owner has chosen their own password; then on to the page it had asked for (`next`).
 * Redirects are relative, so they stay on the host the user typed.
 */
export default async function ChangePasswordPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const user = await currentUser();
  const { next } = await searchParams;
  const onwards = safeNext(next);
  if (!user) redirect(`/login?next=${encodeURIComponent(NEW_PASSWORD_PATH)}`);
  // Nothing to do here: Settings → Account is where a password is changed otherwise.
  if (!user.mustChangePassword) redirect(next ? onwards : "/settings/account");
  return (
    <>
      <NewPasswordPanel email={user.email} next={onwards} />
      <LanguageSelect className="mt-8" />
    </>
  );
}
