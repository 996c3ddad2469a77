"use client";

import { useFormatter, useTranslations } from "next-intl";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { chartColor } from "@/lib/models";
import type { DailyRow } from "@/lib/usage/types";

/** The reports chart any name outside the catalogue as "unknown model" (db/queries/usage-report.ts): grey. */
const color = (model: string) => chartColor(model, model !== "unknown model");
/** A report day ("2026-11-27", a UTC date) as a Date for formatting in UTC, so that it stays that day. */
const utcDay = (day: string) => new Date(`${day}T00:00:00Z`);

/** Day-by-model rows pivoted into one object per day, every day of the range present. */
function pivot(days: string[], rows: DailyRow[], field: "tokens" | "requests") {
  const byDay = new Map(days.map((d) => [d, { day: d } as Record<string, string | number>]));
  for (const r of rows) {
    const entry = byDay.get(r.day);
    if (entry) entry[r.model] = ((entry[r.model] as number | undefined) ?? 0) + r[field];
  }
  return [...byDay.values()];
}

/**
 * The models under the bars, each a swatch of its colour and its name. recharts' own legend labels each
 * swatch as an image ("GLM-4-Air legend icon"), in English, before the same name again.
 */
function ModelLegend({ payload }: { payload?: readonly { value?: unknown; color?: string }[] }) {
  return (
    <ul className="flex flex-wrap justify-center gap-x-3 gap-y-1 pt-1 text-xs">
      {payload?.map((entry) => (
        <li key={String(entry.value)} className="flex items-center gap-1">
          <span aria-hidden className="inline-block size-2.5 rounded-sm" style={{ background: entry.color }} />
          {String(entry.value)}
        </li>
      ))}
    </ul>
  );
}

export function UsageChart({
  title,
  days,
  rows,
  field,
}: {
  title: string;
  days: string[];
  rows: DailyRow[];
  field: "tokens" | "requests";
}) {
  const models = [...new Set(rows.map((r) => r.model))];
  const total = rows.reduce((sum, r) => sum + r[field], 0);
  const id = `chart-${field}`;
  const t = useTranslations("usage");
  const format = useFormatter();
  // In the reader's language: "Nov 27", "11月27日"; the tooltip names the whole date.
  const short = (day: string) => format.dateTime(utcDay(day), { month: "short", day: "numeric", timeZone: "UTC" });
  const long = (day: string) => format.dateTime(utcDay(day), { dateStyle: "medium", timeZone: "UTC" });
  return (
    <figure aria-labelledby={id} className="min-w-0 rounded-lg border border-neutral-200 p-4 dark:border-neutral-800">
      <figcaption className="mb-2 flex items-baseline justify-between gap-2">
        <h3 id={id} className="font-medium">
          {title}
        </h3>
        <span className="text-sm text-neutral-500 dark:text-neutral-400" data-testid={`${field}-total`}>
          {t(field === "tokens" ? "totalTokens" : "totalRequests", { count: total })}
        </span>
      </figcaption>
      <div className="h-56">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={pivot(days, rows, field)} margin={{ left: 0, right: 8, top: 4, bottom: 0 }}>
            <CartesianGrid strokeDasharray="3 3" strokeOpacity={0.3} />
            <XAxis dataKey="day" tickFormatter={short} fontSize={11} minTickGap={12} />
            {/* Numbers as the tables beside the chart write them: "60K" on the axis, "52,105" in the tooltip. */}
            <YAxis
              fontSize={11}
              width={48}
              allowDecimals={false}
              tickFormatter={(v: number) => format.number(v, { notation: "compact", maximumSignificantDigits: 3 })}
            />
            <Tooltip labelFormatter={(day) => long(String(day))} formatter={(v) => format.number(Number(v))} />
            {models.length > 1 ? <Legend content={ModelLegend} /> : null}
            {models.map((m) => (
              <Bar key={m} dataKey={m} stackId="models" fill={color(m)} isAnimationActive={false} />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}
