"use client";

import { useState } from "react";
import { stopSharingAction } from "@/app/(chat)/share-actions";
import type { ShareInfo } from "@/db/queries/shares";
import { Button } from "@/components/ui/button";

const pinned = "sticky right-0 bg-white dark:bg-neutral-950";
const when = (ms: number) => new Date(ms).toLocaleString();

/** Every link the user shares, with Open and Stop sharing. */
export function SharesTable({ initial }: { initial: ShareInfo[] }) {
  const [shares, setShares] = useState(initial);
  const [error, setError] = useState<string | null>(null);

  async function stop(id: string) {
    const r = await stopSharingAction({ shareId: id });
    if (!r.ok) return setError(r.error);
    setShares((list) => list.filter((s) => s.id !== id));
  }

  if (!shares.length) {
    return <p className="text-sm text-neutral-500 dark:text-neutral-400">You are not sharing any conversation. Use Share in a conversation to create a link.</p>;
  }
  return (
    <div>
      {error ? <p role="alert" className="mb-3 text-sm text-red-600">{error}</p> : null}
      {/* `relative` keeps the sr-only header inside the scrolling box (it would widen the page); the
          actions stay pinned to the box's right edge while the rest of a wide row scrolls under them. */}
      <div role="group" aria-label="Shared links" tabIndex={0} className="relative overflow-x-auto">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Shared links</caption>
        <thead className="border-b border-neutral-200 text-neutral-500 dark:text-neutral-400 dark:border-neutral-800">
          <tr><th className="py-2 pr-4 font-medium">Conversation</th><th className="py-2 pr-4 font-medium">Created</th>
            <th className="py-2 pr-4 font-medium">Updated</th><th className={`py-2 font-medium ${pinned}`}><span className="sr-only">Actions</span></th></tr>
        </thead>
        <tbody>
          {shares.map((s) => (
            <tr key={s.id} className="border-b border-neutral-100 dark:border-neutral-900">
              <td className="min-w-40 py-2 pr-4">{s.title}</td>
              <td className="py-2 pr-4 whitespace-nowrap">{when(s.createdAt)}</td>
              <td className="py-2 pr-4 whitespace-nowrap">{when(s.updatedAt)}</td>
              <td className={`py-2 pl-2 ${pinned}`}>
                <div className="flex justify-end gap-2">
                  <a href={`/share/${s.id}`} target="_blank" rel="noopener noreferrer"
                    className="inline-flex h-7 items-center rounded-md border border-neutral-300 px-2 text-xs font-medium hover:bg-neutral-100 dark:border-neutral-700 dark:hover:bg-neutral-800">Open</a>
                  <Button variant="secondary" size="sm" onClick={() => void stop(s.id)}>Stop sharing</Button>
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      </div>
    </div>
  );
}
