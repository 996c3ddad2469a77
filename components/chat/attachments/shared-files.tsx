import { getTranslations } from "next-intl/server";
import type { SharedAttachment } from "@/lib/chat/types";

/** A share page's user message: the names of the documents it carried (their text is not shown). */
export async function SharedFiles({ files }: { files: SharedAttachment[] | undefined }) {
  if (!files?.length) return null;
  const t = await getTranslations("attachments");
  return (
    <p className="max-w-[85%] text-xs text-neutral-500 dark:text-neutral-400">
      {t("sharedFiles", { names: files.map((f) => f.name).join(", ") })}
    </p>
  );
}
