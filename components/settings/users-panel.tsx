"use client";

import { useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";
import { addUserAction, removeUserAction, resetPasswordAction } from "@/app/settings/users/actions";
import type { UserRow } from "@/lib/users/types";
import { Button } from "@/components/ui/button";
import { Dialog, DialogActions } from "@/components/ui/dialog";
import { Input, Label } from "@/components/ui/input";
import { ShownOnce } from "./shown-once";
import { UsersTable } from "./users-table";
import { useReach } from "@/components/ui/use-reach";
import { submitKeeping } from "@/components/ui/submit-keeping";

/** Settings → Users (admins): add a member with a temporary password, reset one, remove an account. */
export function UsersPanel({
  initial,
  me,
  registrationOpen,
}: {
  initial: UserRow[];
  me: string;
  registrationOpen: boolean;
}) {
  const t = useTranslations("users");
  const reach = useReach();
  const [users, setUsers] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  /** The temporary password just made, shown once, and whose it is. */
  const [handout, setHandout] = useState<{ email: string; password: string; reset: boolean } | null>(null);
  const [toReset, setToReset] = useState<UserRow | null>(null);
  const [toRemove, setToRemove] = useState<UserRow | null>(null);
  const listHeading = useRef<HTMLHeadingElement>(null);
  const [removed, setRemoved] = useState(0);

  async function add(form: FormData): Promise<boolean> {
    const email = String(form.get("email") ?? "");
    setBusy(true);
    setError(null);
    setHandout(null);
    const r = await reach(addUserAction({ email }));
    setBusy(false);
    if (!r.ok) {
      setError(r.error);
      return false;
    }
    setUsers(r.data.users);
    setHandout({ email: email.trim().toLowerCase(), password: r.data.password, reset: false });
    return true;
  }

  async function reset() {
    const user = toReset;
    setToReset(null);
    if (!user) return;
    setError(null);
    const r = await reach(resetPasswordAction({ userId: user.id }));
    if (!r.ok) return setError(r.error);
    setUsers((list) => list.map((u) => (u.id === user.id ? { ...u, temporaryPassword: true } : u)));
    setHandout({ email: user.email, password: r.data.password, reset: true });
  }

  async function remove() {
    const user = toRemove;
    setToRemove(null);
    if (!user) return;
    setError(null);
    const r = await reach(removeUserAction({ userId: user.id }));
    if (!r.ok) return setError(r.error);
    setUsers(r.data.users);
    if (handout?.email === user.email) setHandout(null);
    setRemoved((n) => n + 1);
  }

  // The dialog gave focus back to the row's Remove button, which went with the row: keep the place in the list.
  useEffect(() => {
    if (removed && document.activeElement === document.body) listHeading.current?.focus();
  }, [removed]);

  return (
    <div className="space-y-8">
      <section aria-labelledby="add-user" className="space-y-3">
        <h2 id="add-user" className="text-lg font-medium">
          {t("addHeading")}
        </h2>
        <p className="text-sm text-neutral-600 dark:text-neutral-400">
          {t(registrationOpen ? "introOpen" : "introClosed")}
        </p>
        <form onSubmit={submitKeeping(add)} className="flex flex-wrap items-end gap-3">
          <div className="min-w-60 flex-1">
            <Label htmlFor="new-user-email">{t("email")}</Label>
            <Input id="new-user-email" name="email" type="email" required maxLength={320} autoComplete="off" />
          </div>
          <Button type="submit" busy={busy}>
            {t("add")}
          </Button>
        </form>
        {error ? (
          <p role="alert" className="text-sm text-red-600 dark:text-red-400">
            {error}
          </p>
        ) : null}
      </section>

      {handout ? (
        <ShownOnce
          id="temporary-password"
          heading={t(handout.reset ? "resetDone" : "added", { email: handout.email })}
          help={t("handoutHelp")}
          label={t("temporaryPassword")}
          value={handout.password}
          copyLabel={t("copy")}
        />
      ) : null}

      <section aria-labelledby="users-list" className="space-y-3">
        <h2 id="users-list" ref={listHeading} tabIndex={-1} className="text-lg font-medium outline-none">
          {t("listHeading", { count: users.length })}
        </h2>
        <UsersTable users={users} me={me} onReset={setToReset} onRemove={setToRemove} />
      </section>

      <Dialog
        open={!!toReset}
        onOpenChange={(o) => !o && setToReset(null)}
        title={t("resetTitle")}
        description={toReset ? t("resetDescription", { email: toReset.email }) : undefined}
      >
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={() => setToReset(null)}>
            {t("cancel")}
          </Button>
          <Button onClick={() => void reset()}>{t("resetPassword")}</Button>
        </div>
      </Dialog>
      <Dialog
        open={!!toRemove}
        onOpenChange={(o) => !o && setToRemove(null)}
        title={t("removeTitle")}
        description={
          toRemove
            ? t("removeDescription", { email: toRemove.email, conversations: toRemove.conversations })
            : undefined
        }
      >
        <DialogActions
          danger
          cancel={t("cancel")}
          submit={t("remove")}
          onCancel={() => setToRemove(null)}
          onConfirm={() => void remove()}
        />
      </Dialog>
    </div>
  );
}
