"use client";

import { useState } from "react";
import { stopSharingAction } from "@/app/(chat)/share-actions";
import type { ShareInfo } from "@/lib/chat/types";
import { Button } from "@/components/ui/button";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";

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
    return (
      <p className="text-sm text-neutral-500 dark:text-neutral-400">
        You are not sharing any conversation. Use Share in a conversation to create a link.
      </p>
    );
  }
  return (
    <div>
      {error ? (
        <p role="alert" className="mb-3 text-sm text-red-600">
          {error}
        </p>
      ) : null}
      {/* The actions stay pinned to the box's right edge while the rest of a wide row scrolls under them. */}
      <Table label="Shared links">
        <TableHeader>
          <TableRow>
            <TableHead className="pr-4">Conversation</TableHead>
            <TableHead className="pr-4">Created</TableHead>
            <TableHead className="pr-4">Updated</TableHead>
            <TableHead pinned>
              <span className="sr-only">Actions</span>
            </TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {shares.map((s) => (
            <TableRow key={s.id}>
              <TableCell className="min-w-40 pr-4">{s.title}</TableCell>
              <TableCell className="whitespace-nowrap pr-4">{when(s.createdAt)}</TableCell>
              <TableCell className="whitespace-nowrap pr-4">{when(s.updatedAt)}</TableCell>
              <TableCell pinned>
                <div className="flex justify-end gap-2">
                  <a
                    href={`/share/${s.id}`}
                    target="_blank"
                    rel="noopener noreferrer"
                    className="inline-flex h-7 items-center rounded-md border border-neutral-300 px-2 text-xs font-medium hover:bg-neutral-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-500 dark:border-neutral-700 dark:hover:bg-neutral-800"
                  >
                    Open
                  </a>
                  <Button variant="secondary" size="sm" onClick={() => void stop(s.id)}>
                    Stop sharing
                  </Button>
                </div>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}
