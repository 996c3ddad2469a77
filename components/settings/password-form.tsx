"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useRef, useState } from "react";
import { changePasswordAction } from "@/app/settings/account/actions";
import { Button } from "@/components/ui/button";
import { Input, Label } from "@/components/ui/input";
import { useReach } from "@/components/ui/use-reach";

type Notice = { kind: "ok" | "error"; text: string } | null;

/**
 * Current password, new password, Change password: Settings → Account's form, and the page an account on a
 * temporary password must pass through (app/(auth)/change-password), so both read and behave the same.
 * `onChanged` takes over after a change (that page moves on); without it, the form says what happened.
 */
export function PasswordForm({
  email,
  currentHint,
  onChanged,
}: {
  email: string;
  /** A line under "Current password" (the temporary one, on that page). */
  currentHint?: string;
  onChanged?: (endedSessions: number) => void;
}) {
  const router = useRouter();
  const t = useTranslations("account");
  const reach = useReach();
  const [notice, setNotice] = useState<Notice>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  async function changePassword(data: FormData) {
    setBusy(true);
    setNotice(null);
    const r = await reach(
      changePasswordAction({
        currentPassword: String(data.get("currentPassword") ?? ""),
        newPassword: String(data.get("newPassword") ?? ""),
      }),
    );
    setBusy(false);
    if (!r.ok) return setNotice({ kind: "error", text: r.error });
    form.current?.reset();
    if (onChanged) return onChanged(r.data.endedSessions);
    setNotice({ kind: "ok", text: t("changed", { others: r.data.endedSessions }) });
    router.refresh(); // the count of signed-in devices beside it has changed
  }

  return (
    <>
      <form ref={form} action={changePassword} className="space-y-3" noValidate>
        <input type="email" name="username" autoComplete="username" value={email} readOnly hidden />
        <PasswordField
          id="current-password"
          name="currentPassword"
          label={t("currentPassword")}
          autoComplete="current-password"
          hint={currentHint}
        />
        <PasswordField
          id="new-password"
          name="newPassword"
          label={t("newPassword")}
          autoComplete="new-password"
          minLength={8}
          hint={t("passwordHint")}
        />
        <Button type="submit" busy={busy}>
          {t("changePassword")}
        </Button>
      </form>
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
    </>
  );
}

/** A required password input with its label, and the line under it that describes it (when there is one). */
function PasswordField({
  id,
  label,
  hint,
  ...input
}: { id: string; label: string; hint?: string } & React.InputHTMLAttributes<HTMLInputElement>) {
  return (
    <div>
      <Label htmlFor={id}>{label}</Label>
      <Input id={id} type="password" required aria-describedby={hint ? `${id}-hint` : undefined} {...input} />
      {hint ? (
        <p id={`${id}-hint`} className="mt-1 text-xs text-neutral-500 dark:text-neutral-400">
          {hint}
        </p>
      ) : null}
    </div>
  );
}
