"use client";

import { useFormatter, useTranslations } from "next-intl";
import { Button } from "@/components/ui/button";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useModelDescription } from "@/components/chat/use-model-description";
import { formatContext, type ModelInfo } from "@/lib/models";

/** The catalogue, in the picker's order; each row with Edit and Disable / Enable. */
export function ModelsTable({
  models,
  busy,
  onEdit,
  onToggle,
}: {
  models: ModelInfo[];
  busy: boolean;
  onEdit: (m: ModelInfo) => void;
  onToggle: (m: ModelInfo) => void;
}) {
  const t = useTranslations("modelsAdmin");
  const describe = useModelDescription();
  const format = useFormatter();
  return (
    <Table label={t("table")}>
      <TableHeader>
        <TableRow>
          <TableHead>{t("model")}</TableHead>
          <TableHead>{t("upstreamId")}</TableHead>
          <TableHead>{t("context")}</TableHead>
          <TableHead>{t("maxOutput")}</TableHead>
          <TableHead>{t("thinking")}</TableHead>
          <TableHead>{t("status")}</TableHead>
          <TableHead pinned>
            <span className="sr-only">{t("actions")}</span>
          </TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {models.map((m) => (
          <TableRow key={m.id} className={m.enabled ? undefined : "text-neutral-500 dark:text-neutral-400"}>
            <TableCell className="min-w-44">
              <span className="font-medium">{m.id}</span>
              {m.description ? (
                <span className="block text-xs text-neutral-500 dark:text-neutral-400">{describe(m)}</span>
              ) : null}
            </TableCell>
            <TableCell className="whitespace-nowrap font-mono text-xs">{m.upstreamId}</TableCell>
            <TableCell className="whitespace-nowrap">{formatContext(m.contextWindow)}</TableCell>
            <TableCell className="whitespace-nowrap">{format.number(m.maxOutputTokens)}</TableCell>
            <TableCell className="whitespace-nowrap">{t(`thinkingModes.${m.thinking}`)}</TableCell>
            <TableCell className="whitespace-nowrap">{m.enabled ? t("enabled") : t("disabled")}</TableCell>
            <TableCell pinned className="whitespace-nowrap text-right">
              <Button
                variant="ghost"
                size="sm"
                busy={busy}
                onClick={() => onEdit(m)}
                aria-label={t("editNamed", { name: m.id })}
              >
                {t("edit")}
              </Button>
              <Button
                variant="secondary"
                size="sm"
                busy={busy}
                onClick={() => onToggle(m)}
                aria-label={t(m.enabled ? "disableNamed" : "enableNamed", { name: m.id })}
              >
                {m.enabled ? t("disable") : t("enable")}
              </Button>
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
