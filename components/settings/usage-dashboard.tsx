"use client";

import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { everyonesUsageReportAction, usageReportAction } from "@/app/settings/usage/actions";
import { USAGE_RANGES, type UsageRange } from "@/lib/usage/ranges";
import type { DailyRow, KeyRow, ModelRow, PersonRow } from "@/lib/usage/types";
import { ToggleGroup, ToggleGroupItem } from "@/components/ui/toggle-group";
import { useReach } from "@/components/ui/use-reach";
import { UsageChart } from "./usage-charts";
import { RecentRequests } from "./usage-recent";
import { ByKeyTable, ByModelTable, ByPersonTable } from "./usage-tables";

type Report = { days: string[]; daily: DailyRow[]; byModel: ModelRow[]; byKey: KeyRow[]; byPerson?: PersonRow[] };

/**
 * The usage page. Its range and scope live in the address (`?range=30&scope=everyone`), so a reload or a link
 * sent to another admin shows the same report; the page reads them (app/settings/usage).
 */
export function UsageDashboard({
  admin,
  initialDays,
  initialEveryone,
}: {
  admin: boolean;
  initialDays: UsageRange;
  initialEveryone: boolean;
}) {
  const t = useTranslations("usage");
  const reach = useReach();
  const [days, setDays] = useState<UsageRange>(initialDays);
  const [everyone, setEveryone] = useState(admin && initialEveryone);
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const params = new URLSearchParams(window.location.search);
    if (days === 7) params.delete("range");
    else params.set("range", String(days));
    if (everyone) params.set("scope", "everyone");
    else params.delete("scope");
    const query = params.toString();
    // replaceState, not the router: the page need not render again on the server for a new report.
    window.history.replaceState(window.history.state, "", `${window.location.pathname}${query ? `?${query}` : ""}`);
  }, [days, everyone]);

  useEffect(() => {
    let live = true;
    // Days break at the viewer's own midnight: the browser's offset east of UTC.
    void reach(
      (everyone ? everyonesUsageReportAction : usageReportAction)({
        days,
        offsetMinutes: -new Date().getTimezoneOffset(),
      }),
    ).then((r) => {
      if (!live) return;
      if (r.ok) {
        setReport(r.data);
        setError(null);
      } else setError(r.error);
    });
    return () => {
      live = false;
    };
  }, [days, everyone, reach]);

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center gap-4">
        {/* A radiogroup: pressing the chosen range again would clear it, so an empty value is ignored. */}
        <ToggleGroup
          type="single"
          aria-label={t("range")}
          value={String(days)}
          onValueChange={(v) => {
            if (v) setDays(Number(v) as UsageRange);
          }}
        >
          {USAGE_RANGES.map((d) => (
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
        <p role="alert" className="text-sm text-red-600 dark:text-red-400">
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
            <ByModelTable rows={report.byModel} />
            <ByKeyTable rows={report.byKey} />
            {everyone && report.byPerson ? <ByPersonTable rows={report.byPerson} /> : null}
          </div>
        </>
      )}
      <RecentRequests everyone={everyone} />
    </div>
  );
}
