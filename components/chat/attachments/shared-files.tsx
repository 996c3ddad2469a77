import { getFormatter, getTranslations } from "next-intl/server";
import type { SharedAttachment } from "@/lib/chat/types";

/** A share page's user message: the names of the documents it carried (their text is not shown). */
export async function SharedFiles({ files }: { files: SharedAttachment[] | undefined }) {
  if (!files?.length) return null;
  const t = await getTranslations("attachments");
  // The reader's own list: "a, b and c", "a、b 和 c", "a、b、c".
  const names = (await getFormatter()).list(files.map((f) => f.name));
  return <p className="max-w-[85%] text-xs text-neutral-500 dark:text-neutral-400">{t("sharedFiles", { names })}</p>;
}
