"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { Upload } from "lucide-react";
import { useRef, useState } from "react";
import { notifyConversationsChanged } from "@/components/sidebar/events";
import { Button } from "@/components/ui/button";
import { planBatches } from "@/lib/data/batches";
import { IMPORT_LIMITS } from "@/lib/data/limits";
import { parseImport, type ImportProblem } from "@/lib/data/parse";
import type { ImportBatchResult } from "@/lib/data/schema";

type State =
  | { kind: "idle" }
  | { kind: "checking"; file: string }
  | { kind: "importing"; done: number; total: number }
  | { kind: "done"; imported: number; existing: number }
  | { kind: "refused"; problem: ImportProblem }
  | { kind: "stopped"; done: number; total: number; reason: string };

/**
 * The import: the browser reads and checks the whole file (lib/data/parse.ts) and plans its batches before
 * sending anything, so a bad file imports nothing; then it sends the batches one by one to
 * /api/data/import (why batches: app/api/data/import/route.ts), showing progress. Slices of a conversation
 * the server says is already there are not sent.
 */
export function ImportConversations() {
  const t = useTranslations("data.import");
  const router = useRouter();
  const [state, setState] = useState<State>({ kind: "idle" });
  const input = useRef<HTMLInputElement>(null);
  const busy = state.kind === "checking" || state.kind === "importing";

  async function run(file: File) {
    if (file.size > IMPORT_LIMITS.fileBytes)
      return setState({ kind: "refused", problem: { code: "tooLarge", detail: "100 MB" } });
    setState({ kind: "checking", file: file.name });
    // Let the status render before the (synchronous) parse takes the main thread.
    await new Promise((r) => setTimeout(r, 0));
    const parsed = parseImport(await file.text(), file.size);
    if (!parsed.ok) return setState({ kind: "refused", problem: parsed.problem });
    const plan = planBatches(parsed.source, parsed.conversations);
    if (!plan.ok) return setState({ kind: "refused", problem: plan.problem });
    const total = parsed.conversations.length;
    if (!total) return setState({ kind: "refused", problem: { code: "empty" } });
    const existing = new Set<string>();
    let imported = 0;
    let already = 0;
    let done = 0;
    setState({ kind: "importing", done, total });
    for (const batch of plan.batches) {
      const slices = batch.filter((s) => s.offset === 0 || !existing.has(s.sourceId));
      if (!slices.length) continue;
      let result: ImportBatchResult;
      try {
        const res = await fetch("/api/data/import", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ source: plan.source, conversations: slices }),
        });
        const body = (await res.json().catch(() => ({}))) as ImportBatchResult & { error?: string };
        if (!res.ok) throw new Error(body.error ?? `HTTP ${res.status}`);
        result = body;
      } catch (err) {
        const reason = err instanceof TypeError ? t("problems.network") : (err as Error).message;
        setState({ kind: "stopped", done, total, reason });
        notifyConversationsChanged();
        return;
      }
      for (const id of result.existingIds) existing.add(id);
      imported += result.imported;
      already += result.existing;
      done += slices.filter((s) => s.offset === 0).length;
      setState({ kind: "importing", done, total });
    }
    setState({ kind: "done", imported, existing: already });
    notifyConversationsChanged();
    router.refresh();
  }

  return (
    <section aria-labelledby="import-heading" className="space-y-3">
      <h2 id="import-heading" className="text-lg font-medium">
        {t("heading")}
      </h2>
      <p className="text-sm text-neutral-600 dark:text-neutral-400">{t("description")}</p>
      {/* The browser's own file input reads "Choose File" in the browser's language, not the app's: a button of
          ours opens it, and the input (labelled the same, out of sight) is what tests set files on. */}
      <Button variant="secondary" disabled={busy} onClick={() => input.current?.click()}>
        <Upload size={16} aria-hidden />
        {t("label")}
      </Button>
      <input
        ref={input}
        type="file"
        accept=".json,application/json"
        aria-label={t("label")}
        className="hidden"
        tabIndex={-1}
        disabled={busy}
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = "";
          if (file) void run(file);
        }}
      />
      <ImportStatus state={state} />
    </section>
  );
}

function ImportStatus({ state }: { state: State }) {
  const t = useTranslations("data.import");
  const ok = "rounded-md bg-green-50 px-3 py-2 text-sm text-green-800 dark:bg-green-950/60 dark:text-green-200";
  const bad = "rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-950 dark:text-red-200";
  switch (state.kind) {
    case "idle":
      return null;
    case "checking":
      return <p role="status">{t("reading", { file: state.file })}</p>;
    case "importing":
      return (
        <div role="status" className="space-y-1 text-sm">
          <p>{t("progress", { done: state.done, total: state.total })}</p>
          <progress value={state.done} max={state.total} className="w-full" aria-hidden="true" />
        </div>
      );
    case "done":
      return (
        <p role="status" className={ok}>
          {t("done", { imported: state.imported, existing: state.existing })}
        </p>
      );
    case "refused":
      return (
        <p role="alert" className={bad}>
          {t("failed", { reason: t(`problems.${state.problem.code}`, { detail: state.problem.detail ?? "" }) })}
        </p>
      );
    case "stopped":
      return (
        <p role="alert" className={bad}>
          {t("stopped", { done: state.done, total: state.total, reason: state.reason })}
        </p>
      );
  }
}
