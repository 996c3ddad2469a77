import { cookies } from "next/headers";
import { getTranslations } from "next-intl/server";
import { config } from "@/lib/config";
import { DEMO_COOKIE } from "./demo-cookie";
import { DismissDemoNotice } from "./dismiss-demo-notice";

/**
 * Says plainly, wherever replies can be seen, that they are simulated and how to get real ones. A reader
 * may dismiss it; the choice is a cookie, read here on the server, so the page never renders it twice.
 * `reader`: for someone reading a shared link, who cannot set anything on the server: only what the replies are.
 */
export async function DemoBanner({ reader = false }: { reader?: boolean }) {
  if (!config().demoMode) return null;
  if ((await cookies()).get(DEMO_COOKIE)?.value === "dismissed") return null;
  const t = await getTranslations("demo");
  const code = (name: React.ReactNode) => (
    <code className="rounded bg-amber-100 px-1 font-mono dark:bg-amber-900">{name}</code>
  );
  return (
    <DismissDemoNotice label={t("label")} dismiss={t("dismiss")} dismissTitle={t("dismissTitle")}>
      {/* One line on a phone; the variable's name is what the operator needs. */}
      <span className="truncate sm:hidden">{t.rich(reader ? "readerShort" : "short", { code })}</span>
      <span className="hidden sm:inline">{t.rich(reader ? "readerLong" : "long", { code })}</span>
    </DismissDemoNotice>
  );
}
