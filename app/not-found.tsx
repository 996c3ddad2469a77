import Link from "next/link";
import { getTranslations } from "next-intl/server";

export default async function NotFound() {
  const t = await getTranslations("notFound");
  return (
    <main className="mx-auto flex min-h-[70dvh] max-w-md flex-col items-center justify-center gap-3 px-4 text-center">
      <h1 className="text-2xl font-semibold">{t("heading")}</h1>
      <p className="text-neutral-600 dark:text-neutral-400">{t("body")}</p>
      <Link href="/" className="underline">
        {t("home")}
      </Link>
    </main>
  );
}
