"use client";

import { useFormatter, useTranslations } from "next-intl";
import type { ReactNode } from "react";
import type { KeyRow, ModelRow, PersonRow } from "@/lib/usage/types";
import { cn } from "@/components/ui/cn";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";

/** Rows are a little tighter than the settings tables'. */
export const td = "py-1.5";

/** A report's table under its own heading, which names the table and its scroll box. */
function ReportTable({
  id,
  title,
  columns,
  empty,
  children,
}: {
  id: string;
  title: string;
  columns: string[];
  empty: string | null;
  children: ReactNode;
}) {
  return (
    <section aria-labelledby={id} className="min-w-0">
      <h3 id={id} className="mb-2 font-medium">
        {title}
      </h3>
      <Table labelledBy={id}>
        <TableHeader>
          <TableRow>
            {columns.map((c) => (
              <TableHead key={c}>{c}</TableHead>
            ))}
          </TableRow>
        </TableHeader>
        <TableBody>{children}</TableBody>
      </Table>
      {empty ? <p className="py-2 text-sm text-neutral-500 dark:text-neutral-400">{empty}</p> : null}
    </section>
  );
}

export function ByModelTable({ rows }: { rows: ModelRow[] }) {
  const t = useTranslations("usage");
  const format = useFormatter();
  return (
    <ReportTable
      id="by-model"
      title={t("byModel")}
      columns={[t("model"), t("requests"), t("tokens"), t("avgFirstToken"), t("errorRate")]}
      empty={rows.length ? null : t("noRequestsInRange")}
    >
      {rows.map((m) => (
        <TableRow key={m.model}>
          <TableCell className={cn(td, "whitespace-nowrap")}>{m.model}</TableCell>
          <TableCell className={td}>{format.number(m.requests)}</TableCell>
          <TableCell className={td}>{format.number(m.tokens)}</TableCell>
          <TableCell className={td}>
            {m.ttftMs === null ? "—" : t("ms", { value: format.number(Math.round(m.ttftMs)) })}
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
    </ReportTable>
  );
}

export function ByKeyTable({ rows }: { rows: KeyRow[] }) {
  const t = useTranslations("usage");
  const format = useFormatter();
  return (
    <ReportTable id="by-key" title={t("byKey")} columns={[t("source"), t("requests"), t("tokens")]} empty={null}>
      {rows.map((k) => (
        <TableRow key={`${k.source}:${k.keyId}`}>
          <TableCell className={td}>
            {k.source === "chat"
              ? t("chatBrowser")
              : t("keyLabel", { name: k.keyName ?? t("key"), prefix: k.keyPrefix ?? "" })}
          </TableCell>
          <TableCell className={td}>{format.number(k.requests)}</TableCell>
          <TableCell className={td}>{format.number(k.tokens)}</TableCell>
        </TableRow>
      ))}
    </ReportTable>
  );
}

/** Everyone's usage per account (admins): who the server's tokens went to. */
export function ByPersonTable({ rows }: { rows: PersonRow[] }) {
  const t = useTranslations("usage");
  const format = useFormatter();
  return (
    <ReportTable
      id="by-person"
      title={t("byPerson")}
      columns={[t("person"), t("requests"), t("tokens")]}
      empty={rows.length ? null : t("noRequestsInRange")}
    >
      {rows.map((p) => (
        <TableRow key={p.userId}>
          <TableCell className={cn(td, "wrap-anywhere")}>{p.email}</TableCell>
          <TableCell className={td}>{format.number(p.requests)}</TableCell>
          <TableCell className={td}>{format.number(p.tokens)}</TableCell>
        </TableRow>
      ))}
    </ReportTable>
  );
}
