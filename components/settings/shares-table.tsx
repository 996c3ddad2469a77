"use client";

import { useFormatter, useTranslations } from "next-intl";
import { useState } from "react";
import { stopSharingAction } from "@/app/(chat)/share-actions";
import type { ShareInfo } from "@/lib/chat/types";
import { Button } from "@/components/ui/button";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useReach } from "@/components/ui/use-reach";

/** Every link the user shares, with Open and Stop sharing. */
export function SharesTable({ initial }: { initial: ShareInfo[] }) {
  const t = useTranslations("shares");
  const reach = useReach();
  const format = useFormatter();
  const when = (ms: number) => format.dateTime(new Date(ms), { dateStyle: "medium", timeStyle: "short" });
  const [shares, setShares] = useState(initial);
  const [error, setError] = useState<string | null>(null);

  async function stop(id: string) {
    const r = await reach(stopSharingAction({ shareId: id }));
    if (!r.ok) return setError(r.error);
    setShares((list) => list.filter((s) => s.id !== id));
  }

  if (!shares.length) {
    return <p className="text-sm text-neutral-500 dark:text-neutral-400">{t("empty")}</p>;
  }
  return (
    <div>
      {error ? (
        <p role="alert" className="mb-3 text-sm text-red-600">
          {error}
        </p>
      ) : null}
      {/* The actions stay pinned to the box's right edge while the rest of a wide row scrolls under them. */}
      <Table label={t("table")}>
        <TableHeader>
          <TableRow>
            <TableHead className="pr-4">{t("conversation")}</TableHead>
            <TableHead className="pr-4">{t("created")}</TableHead>
            <TableHead className="pr-4">{t("updated")}</TableHead>
            <TableHead pinned>
              <span className="sr-only">{t("actions")}</span>
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
                    {t("open")}
                  </a>
                  <Button variant="secondary" size="sm" onClick={() => void stop(s.id)}>
                    {t("stopSharing")}
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
