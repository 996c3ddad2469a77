import { getTranslations } from "next-intl/server";

/** Shown on /login after "Delete account" (/login?deleted=1): the account is gone, and says so. */
export async function AccountDeletedNotice() {
  const t = await getTranslations("data.deleteAccount");
  return (
    <p
      role="status"
      className="mb-4 rounded-md bg-green-50 px-3 py-2 text-sm text-green-800 dark:bg-green-950/60 dark:text-green-200"
    >
      {t("deleted")}
    </p>
  );
}
