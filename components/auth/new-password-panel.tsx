"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { logout } from "@/app/(auth)/actions";
import { PasswordForm } from "@/components/settings/password-form";
import { Button } from "@/components/ui/button";

/**
 * The page of an account still on a temporary password: why it is here, Settings → Account's password form, and
 * a way out (signing out). Once the password is changed, on to `next` (already checked to be one of our paths).
 */
export function NewPasswordPanel({ email, next }: { email: string; next: string }) {
  const t = useTranslations("newPassword");
  const router = useRouter();
  return (
    <>
      <h1 className="mb-3 text-2xl font-semibold tracking-tight">{t("heading")}</h1>
      <p className="mb-6 text-sm text-neutral-600 dark:text-neutral-400">
        {t.rich("intro", { email, b: (chunks) => <span className="font-medium break-all">{chunks}</span> })}
      </p>
      <div className="space-y-3">
        <PasswordForm
          email={email}
          currentHint={t("currentHint")}
          onChanged={() => {
            router.replace(next);
            router.refresh();
          }}
        />
      </div>
      <form action={logout} className="mt-6 border-t border-neutral-200 pt-4 dark:border-neutral-800">
        {/* Ghost buttons pad their text: pulled back to the column's edge. */}
        <Button type="submit" variant="ghost" size="sm" className="-ml-2">
          {t("signOut")}
        </Button>
      </form>
    </>
  );
}
