"use client";

import { useTranslations } from "next-intl";
import { Button } from "@/components/ui/button";
import { DeleteAccount } from "./data-delete-account";
import { download } from "./data-download";
import { ImportConversations } from "./data-import";

/** Settings → Data: export everything, import a glm-chat or ChatGPT export, delete the account. */
export function DataPanel({ email }: { email: string }) {
  const t = useTranslations("data");
  return (
    <div className="max-w-xl space-y-10">
      <section aria-labelledby="export-heading" className="space-y-3">
        <h2 id="export-heading" className="text-lg font-medium">
          {t("exportAll.heading")}
        </h2>
        <p className="text-sm text-neutral-600 dark:text-neutral-400">{t("exportAll.description")}</p>
        <Button variant="secondary" onClick={() => download("/api/data/export")}>
          {t("exportAll.button")}
        </Button>
      </section>
      <ImportConversations />
      <DeleteAccount email={email} />
    </div>
  );
}
