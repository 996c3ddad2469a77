"use client";

import { useEffect, useState } from "react";
import { createKeyAction, listKeysAction, revokeKeyAction } from "@/app/settings/keys/actions";
import type { KeyListing } from "@/db/queries/keys";
import { CopyButton } from "@/components/chat/copy-button";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Input, Label } from "@/components/ui/input";
import { seedSnippets } from "@/lib/snippets";
import { KeysTable } from "./keys-table";

const EXPIRY = [["", "Never"], ["7", "7 days"], ["30", "30 days"], ["90", "90 days"], ["365", "1 year"]] as const;

export function KeysPanel({ initial, admin }: { initial: KeyListing[]; admin: boolean }) {
  const [keys, setKeys] = useState(initial);
  const [created, setCreated] = useState<{ key: string; name: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [toRevoke, setToRevoke] = useState<KeyListing | null>(null);

  const refresh = async () => {
    const r = await listKeysAction({});
    if (r.ok) setKeys(r.data);
  };

  async function create(form: FormData) {
    setBusy(true);
    setError(null);
    const days = String(form.get("expires") ?? "");
    const name = String(form.get("name") ?? "");
    const r = await createKeyAction({ name, expiresInDays: days ? Number(days) : null });
    setBusy(false);
    if (!r.ok) return setError(r.error);
    setCreated({ key: r.data.key, name });
    await refresh();
  }

  async function revoke() {
    if (!toRevoke) return;
    const r = await revokeKeyAction({ id: toRevoke.id });
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
        <h2 id="new-key" className="text-lg font-medium">Create an API key</h2>
        <p className="text-sm text-neutral-600 dark:text-neutral-400">
          Use it with the official OpenAI SDKs or curl at <code className="font-mono">{base || "/v1"}</code>.
        </p>
        <form action={create} className="flex flex-wrap items-end gap-3">
          <div className="min-w-52 flex-1">
            <Label htmlFor="key-name">Key name</Label>
            <Input id="key-name" name="name" required maxLength={80} placeholder="e.g. my laptop" />
          </div>
          <div>
            <Label htmlFor="key-expires">Expires</Label>
            <select id="key-expires" name="expires" className="h-9 rounded-md border border-neutral-300 bg-white px-2 text-sm dark:border-neutral-700 dark:bg-neutral-900">
              {EXPIRY.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
            </select>
          </div>
          <Button type="submit" disabled={busy}>Create key</Button>
        </form>
        {error ? <p role="alert" className="text-sm text-red-600">{error}</p> : null}
      </section>

      {created ? (
        <section aria-labelledby="created-key" className="space-y-3 rounded-lg border border-green-300 bg-green-50 p-4 dark:border-green-900 dark:bg-green-950/40">
          <h2 id="created-key" className="font-medium">Key “{created.name}” created</h2>
          <p className="text-sm">Copy it now: it is shown only once. Afterwards only its first characters are shown.</p>
          <div className="flex gap-2">
            <label htmlFor="new-key-value" className="sr-only">New API key</label>
            <Input id="new-key-value" readOnly value={created.key} className="font-mono" onFocus={(e) => e.currentTarget.select()} />
            <CopyButton text={created.key} label="Copy" />
          </div>
          <Snippets base={base} apiKey={created.key} />
        </section>
      ) : null}

      <section aria-labelledby="keys-list" className="space-y-3">
        <h2 id="keys-list" className="text-lg font-medium">{admin ? "All API keys (admin)" : "Your API keys"}</h2>
        <KeysTable keys={keys} admin={admin} onRevoke={setToRevoke} />
      </section>

      <Dialog open={!!toRevoke} onOpenChange={(o) => !o && setToRevoke(null)} title="Revoke this key?"
        description={toRevoke ? `“${toRevoke.name}” (${toRevoke.prefix}…) stops working at once. This cannot be undone.` : undefined}>
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={() => setToRevoke(null)}>Cancel</Button>
          <Button variant="danger" onClick={() => void revoke()}>Revoke</Button>
        </div>
      </Dialog>
    </div>
  );
}

function Snippets({ base, apiKey }: { base: string; apiKey: string }) {
  const all = seedSnippets(base, apiKey);
  const [tab, setTab] = useState<keyof typeof all>("curl");
  const labels = { curl: "cURL", python: "Python", javascript: "JavaScript" } as const;
  return (
    <div>
      <div role="tablist" aria-label="Examples" className="flex gap-1">
        {(Object.keys(all) as (keyof typeof all)[]).map((k) => (
          <button key={k} role="tab" type="button" aria-selected={tab === k} onClick={() => setTab(k)}
            className={`rounded-t-md px-3 py-1 text-sm ${tab === k ? "bg-neutral-900 text-white dark:bg-neutral-100 dark:text-neutral-900" : "text-neutral-600 dark:text-neutral-400"}`}>
            {labels[k]}
          </button>
        ))}
      </div>
      <div role="tabpanel" aria-label={labels[tab]} className="relative rounded-b-md rounded-tr-md bg-neutral-900 p-3 text-neutral-100">
        <div className="absolute right-2 top-2"><CopyButton text={all[tab]} label={`Copy ${labels[tab]} example`} /></div>
        <pre className="overflow-x-auto text-xs"><code>{all[tab]}</code></pre>
      </div>
    </div>
  );
}
