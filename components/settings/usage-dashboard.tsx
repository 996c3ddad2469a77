"use client";

import { useCallback, useEffect, useState } from "react";
import {
  everyonesRecentRequestsAction, everyonesUsageReportAction, recentRequestsAction, usageReportAction,
} from "@/app/settings/usage/actions";
import type { KeyRow, ModelRow, RecentRow, DailyRow } from "@/db/queries/usage-report";
import { Button } from "@/components/ui/button";
import { UsageChart } from "./usage-charts";

type Report = { days: string[]; daily: DailyRow[]; byModel: ModelRow[]; byKey: KeyRow[] };
const RANGES = [7, 30, 90] as const;
const n = (v: number) => v.toLocaleString();
// Headers never wrap letter by letter: on a phone each table scrolls inside its own box instead.
const th = "py-2 pr-3 font-medium whitespace-nowrap";
const td = "py-1.5 pr-3";

/**
 * A table that scrolls sideways inside its own box, so the page never does. Focusable, so keyboard users
 * can scroll it too, and named by the heading of its section.
 */
function ScrollBox({ labelledBy, children }: { labelledBy: string; children: React.ReactNode }) {
  return (
    <div role="group" aria-labelledby={labelledBy} tabIndex={0}
      className="relative max-w-full overflow-x-auto rounded focus-visible:outline-2 focus-visible:outline-blue-600">
      {children}
    </div>
  );
}

export function UsageDashboard({ admin }: { admin: boolean }) {
  const [days, setDays] = useState<(typeof RANGES)[number]>(7);
  const [everyone, setEveryone] = useState(false);
  const [report, setReport] = useState<Report | null>(null);
  const [recent, setRecent] = useState<{ rows: RecentRow[]; hasMore: boolean; page: number } | null>(null);
  const [error, setError] = useState<string | null>(null);

  const loadRecent = useCallback(async (page: number) => {
    const r = await (everyone ? everyonesRecentRequestsAction : recentRequestsAction)({ page });
    if (r.ok) setRecent(r.data);
    else setError(r.error);
  }, [everyone]);

  useEffect(() => {
    let live = true;
    // Days break at the viewer's own midnight: the browser's offset east of UTC.
    void (everyone ? everyonesUsageReportAction : usageReportAction)({ days, offsetMinutes: -new Date().getTimezoneOffset() }).then((r) => {
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
        <div role="radiogroup" aria-label="Range" className="inline-flex rounded-md border border-neutral-300 p-0.5 dark:border-neutral-700">
          {RANGES.map((d) => (
            <button key={d} type="button" role="radio" aria-checked={days === d} onClick={() => setDays(d)}
              className={`rounded px-3 py-1 text-sm ${days === d ? "bg-neutral-900 text-white dark:bg-neutral-100 dark:text-neutral-900" : ""}`}>
              {d} days
            </button>
          ))}
        </div>
        {admin ? (
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={everyone} onChange={(e) => setEveryone(e.target.checked)} /> Everyone (admin)
          </label>
        ) : null}
      </div>
      {error ? <p role="alert" className="text-sm text-red-600">{error}</p> : null}
      {!report ? <p className="text-sm text-neutral-500 dark:text-neutral-400">Loading…</p> : (
        <>
          <div className="grid gap-4 lg:grid-cols-2">
            <UsageChart title="Tokens per day" days={report.days} rows={report.daily} field="tokens" />
            <UsageChart title="Requests per day" days={report.days} rows={report.daily} field="requests" />
          </div>
          <div className="grid gap-6 lg:grid-cols-2">
            <section aria-labelledby="by-model" className="min-w-0">
              <h3 id="by-model" className="mb-2 font-medium">By model</h3>
              <ScrollBox labelledBy="by-model">
              <table className="w-full text-left text-sm">
                <thead className="border-b border-neutral-200 text-neutral-500 dark:text-neutral-400 dark:border-neutral-800">
                  <tr><th className={th}>Model</th><th className={th}>Requests</th><th className={th}>Tokens</th>
                    <th className={th}>Avg. first token</th><th className={th}>Error rate</th></tr>
                </thead>
                <tbody>
                  {report.byModel.map((m) => (
                    <tr key={m.model} className="border-b border-neutral-100 dark:border-neutral-900">
                      <td className={td}>{m.model}</td><td className={td}>{n(m.requests)}</td><td className={td}>{n(m.tokens)}</td>
                      <td className={td}>{m.ttftMs === null ? "—" : `${Math.round(m.ttftMs)} ms`}</td>
                      <td className={td}>{((m.errors / Math.max(1, m.requests)) * 100).toFixed(1)}%</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              </ScrollBox>
              {report.byModel.length ? null : <p className="py-2 text-sm text-neutral-500 dark:text-neutral-400">No requests in this range.</p>}
            </section>
            <section aria-labelledby="by-key" className="min-w-0">
              <h3 id="by-key" className="mb-2 font-medium">By key</h3>
              <ScrollBox labelledBy="by-key">
              <table className="w-full text-left text-sm">
                <thead className="border-b border-neutral-200 text-neutral-500 dark:text-neutral-400 dark:border-neutral-800">
                  <tr><th className={th}>Source</th><th className={th}>Requests</th><th className={th}>Tokens</th></tr>
                </thead>
                <tbody>
                  {report.byKey.map((k) => (
                    <tr key={`${k.source}:${k.keyId}`} className="border-b border-neutral-100 dark:border-neutral-900">
                      <td className={td}>{k.source === "chat" ? "Chat (browser)" : `${k.keyName ?? "Key"} (${k.keyPrefix ?? ""}…)`}</td>
                      <td className={td}>{n(k.requests)}</td><td className={td}>{n(k.tokens)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              </ScrollBox>
            </section>
          </div>
        </>
      )}
      <section aria-labelledby="recent">
        <h3 id="recent" className="mb-2 font-medium">Recent requests</h3>
        <ScrollBox labelledBy="recent">
          <table className="w-full text-left text-sm">
            <thead className="border-b border-neutral-200 text-neutral-500 dark:text-neutral-400 dark:border-neutral-800">
              <tr><th className={th}>Time</th><th className={th}>Source</th><th className={th}>Model</th><th className={th}>Tokens</th>
                <th className={th}>Latency</th><th className={th}>Status</th></tr>
            </thead>
            <tbody>
              {recent?.rows.map((r) => (
                <tr key={r.id} className="border-b border-neutral-100 dark:border-neutral-900">
                  <td className={`${td} whitespace-nowrap`}>{new Date(r.createdAt).toLocaleString()}</td>
                  <td className={`${td} whitespace-nowrap`}>{r.source === "chat" ? "Chat" : `API · ${r.keyName ?? "deleted key"}`}</td>
                  <td className={`${td} whitespace-nowrap`}>{r.model}</td><td className={td}>{n(r.tokens)}</td>
                  <td className={`${td} whitespace-nowrap`}>{n(r.durationMs)} ms{r.ttftMs !== null ? ` (first token ${n(r.ttftMs)} ms)` : ""}</td>
                  <td className={`${td} whitespace-nowrap`}>{r.status === 0 ? "in progress" : r.status}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollBox>
        {recent && !recent.rows.length ? <p className="py-2 text-sm text-neutral-500 dark:text-neutral-400">No requests yet.</p> : null}
        <div className="mt-2 flex gap-2">
          <Button variant="secondary" size="sm" disabled={!recent || recent.page === 0} onClick={() => void loadRecent((recent?.page ?? 1) - 1)}>Previous</Button>
          <Button variant="secondary" size="sm" disabled={!recent?.hasMore} onClick={() => void loadRecent((recent?.page ?? 0) + 1)}>Next</Button>
        </div>
      </section>
    </div>
  );
}
