"use client";

import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { createKeyAction, listKeysAction, revokeKeyAction } from "@/app/settings/keys/actions";
import type { KeyListing } from "@/lib/keys/types";
import { CopyButton } from "@/components/chat/copy-button";
import { Button } from "@/components/ui/button";
import { Dialog, DialogActions } from "@/components/ui/dialog";
import { Input, Label } from "@/components/ui/input";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { seedSnippets } from "@/lib/snippets";
import { KeysTable } from "./keys-table";
import { ShownOnce } from "./shown-once";
import { useReach } from "@/components/ui/use-reach";
import { submitKeeping } from "@/components/ui/submit-keeping";

/** Days until a new key expires; a Select item's value cannot be "", so "never" stands for none. */
const EXPIRY = ["never", "7", "30", "90", "365"] as const;

export function KeysPanel({
  initial,
  admin,
  listHeading,
}: {
  initial: KeyListing[];
  admin: boolean;
  /** "Your API keys" or the admin's "All API keys", from the server (the latter never reaches a member's page). */
  listHeading: string;
}) {
  const t = useTranslations("keys");
  const reach = useReach();
  const expiryLabel = (v: (typeof EXPIRY)[number]) =>
    v === "never" ? t("never") : v === "365" ? t("year") : t("days", { count: Number(v) });
  const [keys, setKeys] = useState(initial);
  const [created, setCreated] = useState<{ key: string; name: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [toRevoke, setToRevoke] = useState<KeyListing | null>(null);

  const refresh = async () => {
    const r = await reach(listKeysAction({}));
    if (r.ok) setKeys(r.data);
  };

  async function create(form: FormData): Promise<boolean> {
    setBusy(true);
    setError(null);
    const days = String(form.get("expires") ?? "never");
    const name = String(form.get("name") ?? "");
    const r = await reach(createKeyAction({ name, expiresInDays: days && days !== "never" ? Number(days) : null }));
    setBusy(false);
    if (!r.ok) {
      setError(r.error);
      return false;
    }
    setCreated({ key: r.data.key, name });
    await refresh();
    return true;
  }

  async function revoke() {
    if (!toRevoke) return;
    const r = await reach(revokeKeyAction({ id: toRevoke.id }));
    setToRevoke(null);
    if (!r.ok) return setError(r.error);
    await refresh();
  }

  // The host the user typed (this server as they reach it), known only in the browser.
  const [base, setBase] = useState("");
  useEffect(() => setBase(`${window.location.origin}/v1`), []);
  return (
    <div className="space-y-8">
      <section aria-labelledby="new-key" className="space-y-3">
        <h2 id="new-key" className="text-lg font-medium">
          {t("createHeading")}
        </h2>
        <p className="text-sm text-neutral-600 dark:text-neutral-400">
          {t.rich("intro", { base: base || "/v1", code: (chunks) => <code className="font-mono">{chunks}</code> })}
        </p>
        <form onSubmit={submitKeeping(create)} className="flex flex-wrap items-end gap-3">
          <div className="min-w-52 flex-1">
            <Label htmlFor="key-name">{t("keyName")}</Label>
            <Input id="key-name" name="name" required maxLength={80} placeholder={t("keyNamePlaceholder")} />
          </div>
          <div>
            <Label htmlFor="key-expires">{t("expires")}</Label>
            <Select name="expires" defaultValue="never">
              <SelectTrigger id="key-expires" className="min-w-28">
                <SelectValue />
              </SelectTrigger>
              <SelectContent>
                {EXPIRY.map((v) => (
                  <SelectItem key={v} value={v}>
                    {expiryLabel(v)}
                  </SelectItem>
                ))}
              </SelectContent>
            </Select>
          </div>
          <Button type="submit" busy={busy}>
            {t("createKey")}
          </Button>
        </form>
        {error ? (
          <p role="alert" className="text-sm text-red-600">
            {error}
          </p>
        ) : null}
      </section>

      {created ? (
        <ShownOnce
          id="new-key-value"
          heading={t("created", { name: created.name })}
          help={t("copyNow")}
          label={t("newKey")}
          value={created.key}
          copyLabel={t("copy")}
        >
          <Snippets base={base} apiKey={created.key} />
        </ShownOnce>
      ) : null}

      <section aria-labelledby="keys-list" className="space-y-3">
        <h2 id="keys-list" className="text-lg font-medium">
          {listHeading}
        </h2>
        <KeysTable keys={keys} admin={admin} onRevoke={setToRevoke} />
      </section>

      <Dialog
        open={!!toRevoke}
        onOpenChange={(o) => !o && setToRevoke(null)}
        title={t("revokeTitle")}
        description={toRevoke ? t("revokeDescription", { name: toRevoke.name, prefix: toRevoke.prefix }) : undefined}
      >
        <DialogActions
          danger
          cancel={t("cancel")}
          submit={t("revoke")}
          onCancel={() => setToRevoke(null)}
          onConfirm={() => void revoke()}
        />
      </Dialog>
    </div>
  );
}

function Snippets({ base, apiKey }: { base: string; apiKey: string }) {
  const t = useTranslations("keys");
  const all = seedSnippets(base, apiKey);
  const keys = Object.keys(all) as (keyof typeof all)[];
  const labels = { curl: "cURL", python: "Python", javascript: "JavaScript" } as const;
  return (
    <Tabs defaultValue="curl">
      <TabsList aria-label={t("examples")}>
        {keys.map((k) => (
          <TabsTrigger key={k} value={k}>
            {labels[k]}
          </TabsTrigger>
        ))}
      </TabsList>
      {keys.map((k) => (
        <TabsContent
          key={k}
          value={k}
          className="rounded-b-md rounded-tr-md bg-neutral-900 px-3 pb-3 pt-1 text-neutral-100"
        >
          {/* Above the code, not over it: on a phone the first line runs under a floating button. */}
          <div className="flex justify-end">
            <CopyButton text={all[k]} label={t("copyExample", { language: labels[k] })} />
          </div>
          <pre className="overflow-x-auto text-xs">
            <code>{all[k]}</code>
          </pre>
        </TabsContent>
      ))}
    </Tabs>
  );
}
