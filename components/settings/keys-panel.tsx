"use client";

import { useEffect, useState } from "react";
import { createKeyAction, listKeysAction, revokeKeyAction } from "@/app/settings/keys/actions";
import type { KeyListing } from "@/lib/keys/types";
import { CopyButton } from "@/components/chat/copy-button";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Input, Label } from "@/components/ui/input";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { seedSnippets } from "@/lib/snippets";
import { KeysTable } from "./keys-table";

/** Days until a new key expires; a Select item's value cannot be "", so "never" stands for none. */
const EXPIRY = [
  ["never", "Never"],
  ["7", "7 days"],
  ["30", "30 days"],
  ["90", "90 days"],
  ["365", "1 year"],
] as const;

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
    const days = String(form.get("expires") ?? "never");
    const name = String(form.get("name") ?? "");
    const r = await createKeyAction({ name, expiresInDays: days && days !== "never" ? Number(days) : null });
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
        <h2 id="new-key" className="text-lg font-medium">
          Create an API key
        </h2>
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
            <Select name="expires" defaultValue="never">
              <SelectTrigger id="key-expires" className="min-w-28">
                <SelectValue />
              </SelectTrigger>
              <SelectContent>
                {EXPIRY.map(([v, l]) => (
                  <SelectItem key={v} value={v}>
                    {l}
                  </SelectItem>
                ))}
              </SelectContent>
            </Select>
          </div>
          <Button type="submit" disabled={busy}>
            Create key
          </Button>
        </form>
        {error ? (
          <p role="alert" className="text-sm text-red-600">
            {error}
          </p>
        ) : null}
      </section>

      {created ? (
        <section
          aria-labelledby="created-key"
          className="space-y-3 rounded-lg border border-green-300 bg-green-50 p-4 dark:border-green-900 dark:bg-green-950/40"
        >
          <h2 id="created-key" className="font-medium">
            Key “{created.name}” created
          </h2>
          <p className="text-sm">Copy it now: it is shown only once. Afterwards only its first characters are shown.</p>
          <div className="flex gap-2">
            <label htmlFor="new-key-value" className="sr-only">
              New API key
            </label>
            <Input
              id="new-key-value"
              readOnly
              value={created.key}
              className="font-mono"
              onFocus={(e) => e.currentTarget.select()}
            />
            <CopyButton text={created.key} label="Copy" />
          </div>
          <Snippets base={base} apiKey={created.key} />
        </section>
      ) : null}

      <section aria-labelledby="keys-list" className="space-y-3">
        <h2 id="keys-list" className="text-lg font-medium">
          {admin ? "All API keys (admin)" : "Your API keys"}
        </h2>
        <KeysTable keys={keys} admin={admin} onRevoke={setToRevoke} />
      </section>

      <Dialog
        open={!!toRevoke}
        onOpenChange={(o) => !o && setToRevoke(null)}
        title="Revoke this key?"
        description={
          toRevoke
            ? `“${toRevoke.name}” (${toRevoke.prefix}…) stops working at once. This cannot be undone.`
            : undefined
        }
      >
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={() => setToRevoke(null)}>
            Cancel
          </Button>
          <Button variant="danger" onClick={() => void revoke()}>
            Revoke
          </Button>
        </div>
      </Dialog>
    </div>
  );
}

function Snippets({ base, apiKey }: { base: string; apiKey: string }) {
  const all = seedSnippets(base, apiKey);
  const keys = Object.keys(all) as (keyof typeof all)[];
  const labels = { curl: "cURL", python: "Python", javascript: "JavaScript" } as const;
  return (
    <Tabs defaultValue="curl">
      <TabsList aria-label="Examples">
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
          className="relative rounded-b-md rounded-tr-md bg-neutral-900 p-3 text-neutral-100"
        >
          <div className="absolute right-2 top-2">
            <CopyButton text={all[k]} label={`Copy ${labels[k]} example`} />
          </div>
          <pre className="overflow-x-auto text-xs">
            <code>{all[k]}</code>
          </pre>
        </TabsContent>
      ))}
    </Tabs>
  );
}
