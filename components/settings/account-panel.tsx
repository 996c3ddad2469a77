"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { changePasswordAction, signOutEverywhereAction } from "@/app/settings/account/actions";
import { Button } from "@/components/ui/button";
import { Dialog, DialogActions } from "@/components/ui/dialog";
import { Input, Label } from "@/components/ui/input";
import { LanguageSelect } from "@/components/i18n/language-select";

type Notice = { kind: "ok" | "error"; text: string } | null;

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
  const [notice, setNotice] = useState<Notice>(null);
  const [busy, setBusy] = useState(false);
  const [signOutError, setSignOutError] = useState<string | null>(null);
  // Signing out everywhere includes this browser: asked first, as a misplaced click would end every session.
  const [confirmSignOut, setConfirmSignOut] = useState(false);

  async function changePassword(form: FormData) {
    setBusy(true);
    setNotice(null);
    const r = await changePasswordAction({
      currentPassword: String(form.get("currentPassword") ?? ""),
      newPassword: String(form.get("newPassword") ?? ""),
    });
    setBusy(false);
    if (!r.ok) return setNotice({ kind: "error", text: r.error });
    setNotice({ kind: "ok", text: t("changed", { others: r.data.endedSessions }) });
    (document.getElementById("account-password-form") as HTMLFormElement | null)?.reset();
    router.refresh();
  }

  async function signOutEverywhere() {
    setSignOutError(null);
    const r = await signOutEverywhereAction({});
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
        {hasPassword ? (
          <form id="account-password-form" action={changePassword} className="space-y-3" noValidate>
            <input type="email" name="username" autoComplete="username" value={email} readOnly hidden />
            <div>
              <Label htmlFor="current-password">{t("currentPassword")}</Label>
              <Input
                id="current-password"
                name="currentPassword"
                type="password"
                autoComplete="current-password"
                required
              />
            </div>
            <div>
              <Label htmlFor="new-password">{t("newPassword")}</Label>
              <Input
                id="new-password"
                name="newPassword"
                type="password"
                autoComplete="new-password"
                required
                minLength={8}
                aria-describedby="new-password-hint"
              />
              <p id="new-password-hint" className="mt-1 text-xs text-neutral-500 dark:text-neutral-400">
                {t("passwordHint")}
              </p>
            </div>
            <Button type="submit" disabled={busy}>
              {t("changePassword")}
            </Button>
          </form>
        ) : (
          <p className="text-sm">{t("noPassword")}</p>
        )}
        {notice ? (
          <p
            role={notice.kind === "ok" ? "status" : "alert"}
            className={
              notice.kind === "ok"
                ? "rounded-md bg-green-50 px-3 py-2 text-sm text-green-800 dark:bg-green-950/60 dark:text-green-200"
                : "rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-950 dark:text-red-200"
            }
          >
            {notice.text}
          </p>
        ) : null}
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
