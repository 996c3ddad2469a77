import { useTranslations } from "next-intl";
import type { MessageSource } from "@/lib/chat/types";

/**
 * The pages a reply's web search found, as plain links (title, then the site). Nothing remote is loaded: no
 * favicons or thumbnails, which would tell every listed site who read the reply. Works on the server (share
 * page) and in the browser alike.
 */
export function SourceList({ sources }: { sources: MessageSource[] }) {
  const t = useTranslations("thinking");
  if (!sources.length) return null;
  return (
    <section aria-label={t("sources")} className="text-xs">
      <h3 className="mb-1 font-medium text-neutral-500 dark:text-neutral-400">{t("sources")}</h3>
      <ol className="flex flex-wrap gap-1.5">
        {sources.map((s) => (
          <li
            key={s.url}
            className="max-w-full truncate rounded-md border border-neutral-200 px-2 py-1 dark:border-neutral-800"
          >
            <a
              href={s.url}
              target="_blank"
              rel="noopener noreferrer nofollow"
              referrerPolicy="no-referrer"
              className="text-blue-700 underline-offset-2 hover:underline dark:text-blue-300"
            >
              {s.title}
            </a>
            {s.site && s.site !== s.title ? (
              <span className="ml-1.5 text-neutral-500 dark:text-neutral-400">{s.site}</span>
            ) : null}
          </li>
        ))}
      </ol>
    </section>
  );
}
