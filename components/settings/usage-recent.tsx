"use client";

import { useFormatter, useTranslations } from "next-intl";
import { useCallback, useEffect, useState } from "react";
import { everyonesRecentRequestsAction, recentRequestsAction } from "@/app/settings/usage/actions";
import type { RecentRow } from "@/lib/usage/types";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useReach } from "@/components/ui/use-reach";
import { td } from "./usage-tables";

type Page = { rows: RecentRow[]; hasMore: boolean; page: number };

/** The latest requests, a page at a time: the user's own, or everyone's with whose each one was (admins). */
export function RecentRequests({ everyone }: { everyone: boolean }) {
  const t = useTranslations("usage");
  const format = useFormatter();
  const reach = useReach();
  const [recent, setRecent] = useState<Page | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(
    async (page: number) => {
      const r = await reach((everyone ? everyonesRecentRequestsAction : recentRequestsAction)({ page }));
      if (r.ok) {
        setRecent(r.data);
        setError(null);
      } else setError(r.error);
    },
    [everyone, reach],
  );
  useEffect(() => {
    void load(0);
  }, [load]);

  const columns = [t("time"), ...(everyone ? [t("person")] : []), t("source"), t("model"), t("tokens")];
  return (
    <section aria-labelledby="recent">
      <h3 id="recent" className="mb-2 font-medium">
        {t("recent")}
      </h3>
      {error ? (
        <p role="alert" className="mb-2 text-sm text-red-600 dark:text-red-400">
          {error}
        </p>
      ) : null}
      <Table labelledBy="recent">
        <TableHeader>
          <TableRow>
            {[...columns, t("latency"), t("status")].map((c) => (
              <TableHead key={c}>{c}</TableHead>
            ))}
          </TableRow>
        </TableHeader>
        <TableBody>
          {recent?.rows.map((r) => (
            <TableRow key={r.id}>
              <TableCell className={cn(td, "whitespace-nowrap")}>
                {format.dateTime(new Date(r.createdAt), { dateStyle: "medium", timeStyle: "medium" })}
              </TableCell>
              {everyone ? <TableCell className={cn(td, "whitespace-nowrap")}>{r.email ?? "—"}</TableCell> : null}
              <TableCell className={cn(td, "whitespace-nowrap")}>
                {r.source === "chat" ? t("chat") : t("api", { name: r.keyName ?? t("deletedKey") })}
              </TableCell>
              <TableCell className={cn(td, "whitespace-nowrap")}>{r.model}</TableCell>
              <TableCell className={td}>{format.number(r.tokens)}</TableCell>
              <TableCell className={cn(td, "whitespace-nowrap")}>
                {r.ttftMs !== null
                  ? t("firstToken", { total: format.number(r.durationMs), first: format.number(r.ttftMs) })
                  : t("ms", { value: format.number(r.durationMs) })}
              </TableCell>
              <TableCell className={cn(td, "whitespace-nowrap")}>
                {r.status === 0 ? t("inProgress") : r.status}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {recent && !recent.rows.length ? (
        <p className="py-2 text-sm text-neutral-500 dark:text-neutral-400">{t("noRequests")}</p>
      ) : null}
      <div className="mt-2 flex gap-2">
        <Button
          variant="secondary"
          size="sm"
          disabled={!recent || recent.page === 0}
          onClick={() => void load((recent?.page ?? 1) - 1)}
        >
          {t("previous")}
        </Button>
        <Button
          variant="secondary"
          size="sm"
          disabled={!recent?.hasMore}
          onClick={() => void load((recent?.page ?? 0) + 1)}
        >
          {t("next")}
        </Button>
      </div>
    </section>
  );
}
