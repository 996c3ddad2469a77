"use client";

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
const n = (v: number) => v.toLocaleString();
/** Rows are a little tighter than the settings tables'. */
const td = "py-1.5";

export function UsageDashboard({ admin }: { admin: boolean }) {
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
          aria-label="Range"
          value={String(days)}
          onValueChange={(v) => {
            if (v) setDays(Number(v) as (typeof RANGES)[number]);
          }}
        >
          {RANGES.map((d) => (
            <ToggleGroupItem key={d} value={String(d)}>
              {d} days
            </ToggleGroupItem>
          ))}
        </ToggleGroup>
        {admin ? (
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={everyone} onChange={(e) => setEveryone(e.target.checked)} /> Everyone
            (admin)
          </label>
        ) : null}
      </div>
      {error ? (
        <p role="alert" className="text-sm text-red-600">
          {error}
        </p>
      ) : null}
      {!report ? (
        <p className="text-sm text-neutral-500 dark:text-neutral-400">Loading…</p>
      ) : (
        <>
          <div className="grid gap-4 lg:grid-cols-2">
            <UsageChart title="Tokens per day" days={report.days} rows={report.daily} field="tokens" />
            <UsageChart title="Requests per day" days={report.days} rows={report.daily} field="requests" />
          </div>
          <div className="grid gap-6 lg:grid-cols-2">
            <section aria-labelledby="by-model" className="min-w-0">
              <h3 id="by-model" className="mb-2 font-medium">
                By model
              </h3>
              <Table labelledBy="by-model">
                <TableHeader>
                  <TableRow>
                    <TableHead>Model</TableHead>
                    <TableHead>Requests</TableHead>
                    <TableHead>Tokens</TableHead>
                    <TableHead>Avg. first token</TableHead>
                    <TableHead>Error rate</TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {report.byModel.map((m) => (
                    <TableRow key={m.model}>
                      <TableCell className={cn(td, "whitespace-nowrap")}>{m.model}</TableCell>
                      <TableCell className={td}>{n(m.requests)}</TableCell>
                      <TableCell className={td}>{n(m.tokens)}</TableCell>
                      <TableCell className={td}>{m.ttftMs === null ? "—" : `${Math.round(m.ttftMs)} ms`}</TableCell>
                      <TableCell className={td}>{((m.errors / Math.max(1, m.requests)) * 100).toFixed(1)}%</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
              {report.byModel.length ? null : (
                <p className="py-2 text-sm text-neutral-500 dark:text-neutral-400">No requests in this range.</p>
              )}
            </section>
            <section aria-labelledby="by-key" className="min-w-0">
              <h3 id="by-key" className="mb-2 font-medium">
                By key
              </h3>
              <Table labelledBy="by-key">
                <TableHeader>
                  <TableRow>
                    <TableHead>Source</TableHead>
                    <TableHead>Requests</TableHead>
                    <TableHead>Tokens</TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {report.byKey.map((k) => (
                    <TableRow key={`${k.source}:${k.keyId}`}>
                      <TableCell className={td}>
                        {k.source === "chat" ? "Chat (browser)" : `${k.keyName ?? "Key"} (${k.keyPrefix ?? ""}…)`}
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
          Recent requests
        </h3>
        <Table labelledBy="recent">
          <TableHeader>
            <TableRow>
              <TableHead>Time</TableHead>
              <TableHead>Source</TableHead>
              <TableHead>Model</TableHead>
              <TableHead>Tokens</TableHead>
              <TableHead>Latency</TableHead>
              <TableHead>Status</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {recent?.rows.map((r) => (
              <TableRow key={r.id}>
                <TableCell className={cn(td, "whitespace-nowrap")}>{new Date(r.createdAt).toLocaleString()}</TableCell>
                <TableCell className={cn(td, "whitespace-nowrap")}>
                  {r.source === "chat" ? "Chat" : `API · ${r.keyName ?? "deleted key"}`}
                </TableCell>
                <TableCell className={cn(td, "whitespace-nowrap")}>{r.model}</TableCell>
                <TableCell className={td}>{n(r.tokens)}</TableCell>
                <TableCell className={cn(td, "whitespace-nowrap")}>
                  {n(r.durationMs)} ms{r.ttftMs !== null ? ` (first token ${n(r.ttftMs)} ms)` : ""}
                </TableCell>
                <TableCell className={cn(td, "whitespace-nowrap")}>
                  {r.status === 0 ? "in progress" : r.status}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
        {recent && !recent.rows.length ? (
          <p className="py-2 text-sm text-neutral-500 dark:text-neutral-400">No requests yet.</p>
        ) : null}
        <div className="mt-2 flex gap-2">
          <Button
            variant="secondary"
            size="sm"
            disabled={!recent || recent.page === 0}
            onClick={() => void loadRecent((recent?.page ?? 1) - 1)}
          >
            Previous
          </Button>
          <Button
            variant="secondary"
            size="sm"
            disabled={!recent?.hasMore}
            onClick={() => void loadRecent((recent?.page ?? 0) + 1)}
          >
            Next
          </Button>
        </div>
      </section>
    </div>
  );
}
