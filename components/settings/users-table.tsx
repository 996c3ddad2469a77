"use client";

import { useFormatter, useTranslations } from "next-intl";
import type { UserRow } from "@/lib/users/types";
import { Button } from "@/components/ui/button";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";

/** The accounts; a member's row (not the viewer's, not an admin's) offers Reset password and Remove. */
export function UsersTable({
  users,
  me,
  onReset,
  onRemove,
}: {
  users: UserRow[];
  /** The viewing admin's id: their own row says so and offers nothing. */
  me: string;
  onReset: (u: UserRow) => void;
  onRemove: (u: UserRow) => void;
}) {
  const t = useTranslations("users");
  const format = useFormatter();
  const when = (ms: number | null) =>
    ms === null ? t("never") : format.dateTime(new Date(ms), { dateStyle: "medium", timeStyle: "short" });
  return (
    <Table label={t("table")}>
      <TableHeader>
        <TableRow>
          <TableHead>{t("email")}</TableHead>
          <TableHead>{t("role")}</TableHead>
          <TableHead>{t("joined")}</TableHead>
          <TableHead>{t("lastActive")}</TableHead>
          <TableHead className="text-right">{t("conversations")}</TableHead>
          <TableHead pinned>
            <span className="sr-only">{t("actions")}</span>
          </TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {users.map((u) => (
          <TableRow key={u.id}>
            <TableCell className="whitespace-nowrap">
              {u.email}
              {u.id === me ? <span className="ml-2 text-neutral-500 dark:text-neutral-400">{t("you")}</span> : null}
            </TableCell>
            <TableCell className="whitespace-nowrap">
              {u.admin ? t("admin") : u.hasPassword ? t("member") : t("apiOnly")}
              {/* Whoever set it knows it: the admin sees who has not chosen their own yet. On a line of its own,
                  so the row stays narrow enough for its actions not to cover the columns before them. */}
              {u.temporaryPassword ? (
                <span className="mt-1 block w-fit rounded bg-amber-100 px-1.5 py-0.5 text-xs text-amber-900 dark:bg-amber-400/20 dark:text-amber-200">
                  {t("onTemporaryPassword")}
                </span>
              ) : null}
            </TableCell>
            <TableCell className="whitespace-nowrap">{when(u.createdAt)}</TableCell>
            <TableCell className="whitespace-nowrap">{when(u.lastSeenAt)}</TableCell>
            <TableCell className="text-right">{u.conversations}</TableCell>
            <TableCell pinned className="whitespace-nowrap text-right">
              {u.id !== me && !u.admin ? (
                <span className="inline-flex gap-2">
                  <Button variant="secondary" size="sm" onClick={() => onReset(u)}>
                    {t("resetPassword")}
                  </Button>
                  <Button variant="secondary" size="sm" onClick={() => onRemove(u)}>
                    {t("remove")}
                  </Button>
                </span>
              ) : null}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
