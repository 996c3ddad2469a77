"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { deleteAccountAction } from "@/app/settings/data/actions";
import { Button } from "@/components/ui/button";
import { Dialog, DialogActions } from "@/components/ui/dialog";
import { Input, Label } from "@/components/ui/input";
import { useReach } from "@/components/ui/use-reach";

/** "Delete account": a dialog asks for the password; on success the browser lands on /login with a notice. */
export function DeleteAccount({ email }: { email: string }) {
  const t = useTranslations("data.deleteAccount");
  const reach = useReach();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function confirm(form: FormData) {
    setBusy(true);
    setError(null);
    const r = await reach(deleteAccountAction({ password: String(form.get("password") ?? "") }));
    if (!r.ok) {
      setBusy(false);
      return setError(r.error);
    }
    router.replace("/login?deleted=1");
    router.refresh();
  }

  return (
    <section aria-labelledby="delete-heading" className="space-y-3">
      <h2 id="delete-heading" className="text-lg font-medium">
        {t("heading")}
      </h2>
      <p className="text-sm text-neutral-600 dark:text-neutral-400">{t("description")}</p>
      <Button variant="danger" onClick={() => setOpen(true)}>
        {t("button")}
      </Button>
      <Dialog
        open={open}
        onOpenChange={(next) => {
          setOpen(next);
          if (!next) setError(null);
        }}
        title={t("dialogTitle")}
        description={t("dialogDescription")}
      >
        <form action={confirm} className="space-y-3">
          <input type="email" name="username" autoComplete="username" value={email} readOnly hidden />
          <div>
            <Label htmlFor="delete-password">{t("password")}</Label>
            <Input id="delete-password" name="password" type="password" autoComplete="current-password" required />
          </div>
          {error ? (
            <p role="alert" className="text-sm text-red-600">
              {error}
            </p>
          ) : null}
          <DialogActions
            danger
            cancel={t("cancel")}
            submit={t("confirm")}
            onCancel={() => setOpen(false)}
            busy={busy}
          />
        </form>
      </Dialog>
    </section>
  );
}
