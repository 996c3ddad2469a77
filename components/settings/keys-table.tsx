"use client";

import { useFormatter, useNow, useTranslations } from "next-intl";
import type { KeyListing } from "@/lib/keys/types";
import { Button } from "@/components/ui/button";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";

function status(k: KeyListing, now: number): "active" | "revoked" | "expired" {
  if (k.revokedAt) return "revoked";
  if (k.expiresAt && k.expiresAt <= now) return "expired";
  return "active";
}

export function KeysTable({
  keys,
  admin,
  onRevoke,
}: {
  keys: KeyListing[];
  admin: boolean;
  onRevoke: (k: KeyListing) => void;
}) {
  const t = useTranslations("keys");
  const format = useFormatter();
  // The request's moment (next-intl's `now`), the same on the server and in hydration.
  const now = useNow().getTime();
  const when = (ms: number | null) =>
    ms ? format.dateTime(new Date(ms), { dateStyle: "medium", timeStyle: "short" }) : "—";
  if (!keys.length) return <p className="text-sm text-neutral-500 dark:text-neutral-400">{t("empty")}</p>;
  return (
    // The table scrolls in its own (focusable) box on a phone; Revoke stays pinned to the box's right edge.
    <Table label={t("table")}>
      <TableHeader>
        <TableRow>
          <TableHead>{t("name")}</TableHead>
          <TableHead>{t("key")}</TableHead>
          {admin ? <TableHead>{t("owner")}</TableHead> : null}
          <TableHead>{t("createdAt")}</TableHead>
          <TableHead>{t("lastUsed")}</TableHead>
          <TableHead>{t("expires")}</TableHead>
          <TableHead>{t("status")}</TableHead>
          <TableHead pinned>
            <span className="sr-only">{t("actions")}</span>
          </TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {keys.map((k) => (
          <TableRow key={k.id}>
            {/* Wide enough that a short name (ノートPC) does not break a character per line on a phone: the table scrolls. */}
            <TableCell className="min-w-32">{k.name}</TableCell>
            <TableCell className="whitespace-nowrap font-mono text-xs">{k.prefix}…</TableCell>
            {admin ? <TableCell className="whitespace-nowrap">{k.ownerEmail}</TableCell> : null}
            <TableCell className="whitespace-nowrap">{when(k.createdAt)}</TableCell>
            <TableCell className="whitespace-nowrap">{when(k.lastUsedAt)}</TableCell>
            <TableCell className="whitespace-nowrap">{k.expiresAt ? when(k.expiresAt) : t("never")}</TableCell>
            <TableCell>{t(status(k, now))}</TableCell>
            <TableCell pinned className="text-right">
              {/* Another admin's key is listed but not offered: admins do not act on each other. */}
              {status(k, now) === "active" && k.revocable ? (
                <Button variant="secondary" size="sm" onClick={() => onRevoke(k)}>
                  {t("revoke")}
                </Button>
              ) : null}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
