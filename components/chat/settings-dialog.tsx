"use client";

import { SlidersHorizontal } from "lucide-react";
import { useState } from "react";
import { saveSettingsAction } from "@/app/(chat)/actions";
import type { ConversationSettings } from "@/db/schema";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Input, Label, Textarea } from "@/components/ui/input";

const num = (v: string) => (v.trim() === "" ? null : Number(v));

/** System prompt and sampling settings for one conversation, checked by the server with `/v1`'s rules. */
export function SettingsDialog({ id, model, settings, onSaved }: {
  id: string;
  model: string;
  settings: ConversationSettings;
  onSaved: (s: ConversationSettings) => void;
}) {
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function save(form: FormData) {
    setBusy(true);
    const r = await saveSettingsAction({ id, model, settings: {
      systemPrompt: String(form.get("systemPrompt") ?? ""),
      temperature: num(String(form.get("temperature") ?? "")),
      topP: num(String(form.get("topP") ?? "")),
      maxTokens: num(String(form.get("maxTokens") ?? "")),
    } });
    setBusy(false);
    if (!r.ok) return setError(r.error);
    onSaved(r.data);
    setError(null);
    setOpen(false);
  }

  return (
    <>
      <Button variant="ghost" size="icon" aria-label="Conversation settings" title="Conversation settings" onClick={() => setOpen(true)}>
        <SlidersHorizontal size={16} aria-hidden />
      </Button>
      <Dialog open={open} onOpenChange={(o) => { setOpen(o); setError(null); }} title="Conversation settings"
        description="Apply to the next replies in this conversation. Empty fields use the defaults.">
        <form action={save} className="space-y-3" noValidate>
          <div>
            <Label htmlFor="systemPrompt">System prompt</Label>
            <Textarea id="systemPrompt" name="systemPrompt" rows={4} defaultValue={settings.systemPrompt ?? ""}
              placeholder="You are a helpful assistant." />
          </div>
          <div className="grid grid-cols-3 gap-3">
            <div>
              <Label htmlFor="temperature">Temperature</Label>
              <Input id="temperature" name="temperature" type="number" step="any" inputMode="decimal" placeholder="0.7"
                defaultValue={settings.temperature ?? ""} />
            </div>
            <div>
              <Label htmlFor="topP">Top P</Label>
              <Input id="topP" name="topP" type="number" step="any" inputMode="decimal" placeholder="0.9" defaultValue={settings.topP ?? ""} />
            </div>
            <div>
              <Label htmlFor="maxTokens">Max tokens</Label>
              <Input id="maxTokens" name="maxTokens" type="number" step="any" inputMode="numeric" placeholder="auto"
                defaultValue={settings.maxTokens ?? ""} />
            </div>
          </div>
          {error ? <p role="alert" className="text-sm text-red-600">{error}</p> : null}
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={() => setOpen(false)}>Cancel</Button>
            <Button type="submit" disabled={busy}>Save settings</Button>
          </div>
        </form>
      </Dialog>
    </>
  );
}
