"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { signOutEverywhereAction } from "@/app/settings/account/actions";
import { Button } from "@/components/ui/button";
import { Dialog, DialogActions } from "@/components/ui/dialog";
import { LanguageSelect } from "@/components/i18n/language-select";
import { PasswordForm } from "./password-form";
import { useReach } from "@/components/ui/use-reach";

/** Account settings: change the password (ends the other sessions) and sign out of every device. */
export function AccountPanel({
  email,
  sessionCount,
  hasPassword,
}: {
  email: string;
  sessionCount: number;
  hasPassword: boolean;
}) {
  const router = useRouter();
  const t = useTranslations("account");
  const te = useTranslations("errors");
  const reach = useReach();
  const [signOutError, setSignOutError] = useState<string | null>(null);
  // Signing out everywhere includes this browser: asked first, as a misplaced click would end every session.
  const [confirmSignOut, setConfirmSignOut] = useState(false);

  async function signOutEverywhere() {
    setSignOutError(null);
    const r = await reach(signOutEverywhereAction({}));
    // Even a failure here most likely means the session had already ended: /login is right either way.
    if (!r.ok && r.error !== te("sessionEnded")) return setSignOutError(r.error);
    router.replace("/login");
    router.refresh();
  }

  return (
    <div className="max-w-xl space-y-10">
      <section aria-labelledby="language-heading" className="space-y-3">
        <h2 id="language-heading" className="text-lg font-medium">
          {t("language")}
        </h2>
        <p className="text-sm text-neutral-600 dark:text-neutral-400">{t("languageIntro")}</p>
        <LanguageSelect />
      </section>
      <section aria-labelledby="password-heading" className="space-y-3">
        <h2 id="password-heading" className="text-lg font-medium">
          {t("password")}
        </h2>
        <p className="text-sm text-neutral-600 dark:text-neutral-400">
          {t.rich("passwordIntro", { email, b: (chunks) => <span className="font-medium">{chunks}</span> })}
        </p>
        {hasPassword ? <PasswordForm email={email} /> : <p className="text-sm">{t("noPassword")}</p>}
      </section>

      <section aria-labelledby="sessions-heading" className="space-y-3">
        <h2 id="sessions-heading" className="text-lg font-medium">
          {t("devices")}
        </h2>
        <p className="text-sm text-neutral-600 dark:text-neutral-400">{t("sessions", { count: sessionCount })}</p>
        <Button variant="secondary" onClick={() => setConfirmSignOut(true)}>
          {t("signOutAll")}
        </Button>
        <Dialog
          open={confirmSignOut}
          onOpenChange={(open) => {
            setConfirmSignOut(open);
            if (!open) setSignOutError(null);
          }}
          title={t("signOutAllTitle")}
          description={t("signOutAllDescription")}
        >
          {signOutError ? (
            <p role="alert" className="mb-3 text-sm text-red-600">
              {signOutError}
            </p>
          ) : null}
          <DialogActions
            danger
            cancel={t("cancel")}
            submit={t("signOutAll")}
            onCancel={() => setConfirmSignOut(false)}
            onConfirm={() => void signOutEverywhere()}
          />
        </Dialog>
      </section>
    </div>
  );
}
