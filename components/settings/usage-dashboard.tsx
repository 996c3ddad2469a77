"use client";

import { useFormatter, useTranslations } from "next-intl";
import { useCallback, useEffect, useState } from "react";
import {
  everyonesRecentRequestsAction,
  everyonesUsageReportAction,
  recentRequestsAction,
  usageReportAction,
} from "@/app/settings/usage/actions";
import type { KeyRow, ModelRow, RecentRow, DailyRow } from "@/lib/usage/types";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { ToggleGroup, ToggleGroupItem } from "@/components/ui/toggle-group";
import { UsageChart } from "./usage-charts";

type Report = { days: string[]; daily: DailyRow[]; byModel: ModelRow[]; byKey: KeyRow[] };
const RANGES = [7, 30, 90] as const;
/** Rows are a little tighter than the settings tables'. */
const td = "py-1.5";

export function UsageDashboard({ admin }: { admin: boolean }) {
  const t = useTranslations("usage");
  const format = useFormatter();
  const n = (v: number) => format.number(v);
  const [days, setDays] = useState<(typeof RANGES)[number]>(7);
  const [everyone, setEveryone] = useState(false);
  const [report, setReport] = useState<Report | null>(null);
  const [recent, setRecent] = useState<{ rows: RecentRow[]; hasMore: boolean; page: number } | null>(null);
  const [error, setError] = useState<string | null>(null);

  const loadRecent = useCallback(
    async (page: number) => {
      const r = await (everyone ? everyonesRecentRequestsAction : recentRequestsAction)({ page });
      if (r.ok) setRecent(r.data);
      else setError(r.error);
    },
    [everyone],
  );

  useEffect(() => {
    let live = true;
    // Days break at the viewer's own midnight: the browser's offset east of UTC.
    void (everyone ? everyonesUsageReportAction : usageReportAction)({
      days,
      offsetMinutes: -new Date().getTimezoneOffset(),
    }).then((r) => {
      if (!live) return;
      if (r.ok) setReport(r.data);
      else setError(r.error);
    });
    return () => {
      live = false;
    };
  }, [days, everyone]);
  useEffect(() => {
    void loadRecent(0);
  }, [loadRecent]);

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center gap-4">
        {/* A radiogroup: pressing the chosen range again would clear it, so an empty value is ignored. */}
        <ToggleGroup
          type="single"
          aria-label={t("range")}
          value={String(days)}
          onValueChange={(v) => {
            if (v) setDays(Number(v) as (typeof RANGES)[number]);
          }}
        >
          {RANGES.map((d) => (
            <ToggleGroupItem key={d} value={String(d)}>
              {t("days", { count: d })}
            </ToggleGroupItem>
          ))}
        </ToggleGroup>
        {admin ? (
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={everyone} onChange={(e) => setEveryone(e.target.checked)} /> {t("everyone")}
          </label>
        ) : null}
      </div>
      {error ? (
        <p role="alert" className="text-sm text-red-600">
          {error}
        </p>
      ) : null}
      {!report ? (
        <p className="text-sm text-neutral-500 dark:text-neutral-400">{t("loading")}</p>
      ) : (
        <>
          <div className="grid gap-4 lg:grid-cols-2">
            <UsageChart title={t("tokensPerDay")} days={report.days} rows={report.daily} field="tokens" />
            <UsageChart title={t("requestsPerDay")} days={report.days} rows={report.daily} field="requests" />
          </div>
          <div className="grid gap-6 lg:grid-cols-2">
            <section aria-labelledby="by-model" className="min-w-0">
              <h3 id="by-model" className="mb-2 font-medium">
                {t("byModel")}
              </h3>
              <Table labelledBy="by-model">
                <TableHeader>
                  <TableRow>
                    <TableHead>{t("model")}</TableHead>
                    <TableHead>{t("requests")}</TableHead>
                    <TableHead>{t("tokens")}</TableHead>
                    <TableHead>{t("avgFirstToken")}</TableHead>
                    <TableHead>{t("errorRate")}</TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {report.byModel.map((m) => (
                    <TableRow key={m.model}>
                      <TableCell className={cn(td, "whitespace-nowrap")}>{m.model}</TableCell>
                      <TableCell className={td}>{n(m.requests)}</TableCell>
                      <TableCell className={td}>{n(m.tokens)}</TableCell>
                      <TableCell className={td}>
                        {m.ttftMs === null ? "—" : t("ms", { value: n(Math.round(m.ttftMs)) })}
                      </TableCell>
                      <TableCell className={td}>
                        {format.number(m.errors / Math.max(1, m.requests), {
                          style: "percent",
                          minimumFractionDigits: 1,
                          maximumFractionDigits: 1,
                        })}
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
              {report.byModel.length ? null : (
                <p className="py-2 text-sm text-neutral-500 dark:text-neutral-400">{t("noRequestsInRange")}</p>
              )}
            </section>
            <section aria-labelledby="by-key" className="min-w-0">
              <h3 id="by-key" className="mb-2 font-medium">
                {t("byKey")}
              </h3>
              <Table labelledBy="by-key">
                <TableHeader>
                  <TableRow>
                    <TableHead>{t("source")}</TableHead>
                    <TableHead>{t("requests")}</TableHead>
                    <TableHead>{t("tokens")}</TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {report.byKey.map((k) => (
                    <TableRow key={`${k.source}:${k.keyId}`}>
                      <TableCell className={td}>
                        {k.source === "chat"
                          ? t("chatBrowser")
                          : t("keyLabel", { name: k.keyName ?? t("key"), prefix: k.keyPrefix ?? "" })}
                      </TableCell>
                      <TableCell className={td}>{n(k.requests)}</TableCell>
                      <TableCell className={td}>{n(k.tokens)}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </section>
          </div>
        </>
      )}
      <section aria-labelledby="recent">
        <h3 id="recent" className="mb-2 font-medium">
          {t("recent")}
        </h3>
        <Table labelledBy="recent">
          <TableHeader>
            <TableRow>
              <TableHead>{t("time")}</TableHead>
              <TableHead>{t("source")}</TableHead>
              <TableHead>{t("model")}</TableHead>
              <TableHead>{t("tokens")}</TableHead>
              <TableHead>{t("latency")}</TableHead>
              <TableHead>{t("status")}</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {recent?.rows.map((r) => (
              <TableRow key={r.id}>
                <TableCell className={cn(td, "whitespace-nowrap")}>
                  {format.dateTime(new Date(r.createdAt), { dateStyle: "medium", timeStyle: "medium" })}
                </TableCell>
                <TableCell className={cn(td, "whitespace-nowrap")}>
                  {r.source === "chat" ? t("chat") : t("api", { name: r.keyName ?? t("deletedKey") })}
                </TableCell>
                <TableCell className={cn(td, "whitespace-nowrap")}>{r.model}</TableCell>
                <TableCell className={td}>{n(r.tokens)}</TableCell>
                <TableCell className={cn(td, "whitespace-nowrap")}>
                  {r.ttftMs !== null
                    ? t("firstToken", { total: n(r.durationMs), first: n(r.ttftMs) })
                    : t("ms", { value: n(r.durationMs) })}
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
            onClick={() => void loadRecent((recent?.page ?? 1) - 1)}
          >
            {t("previous")}
          </Button>
          <Button
            variant="secondary"
            size="sm"
            disabled={!recent?.hasMore}
            onClick={() => void loadRecent((recent?.page ?? 0) + 1)}
          >
            {t("next")}
          </Button>
        </div>
      </section>
    </div>
  );
}
