import type { Metadata } from "next";
import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { getFormatter, getTranslations } from "next-intl/server";
import { getPublicShare } from "@/db/queries/shares";
import { getDb } from "@/db";
import { Markdown } from "@/components/chat/markdown";
import { SharedFiles } from "@/components/chat/attachments/shared-files";
import { ReasoningFold } from "@/components/chat/reasoning-fold";
import { SourceList } from "@/components/chat/source-list";
import { sourcePartsOf, sourceOfPart } from "@/lib/chat/thinking";
import { DemoBanner } from "@/components/layout/demo-banner";
import { Button } from "@/components/ui/button";
import { currentUser } from "@/lib/auth/session";
import { newPasswordPage } from "@/lib/auth/temporary-password";
import { continueShare } from "../actions";
import { contentLang } from "@/lib/i18n/content-lang";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const share = await getPublicShare(getDb(), { shareId: (await params).id });
  const t = await getTranslations("meta");
  if (!share) return { title: t("notFound"), robots: { index: false } };
  const first = share.snapshot.messages.find((m) => m.role === "user")?.content ?? "";
  const description = t("shareDescription", { model: share.snapshot.model, excerpt: first.slice(0, 140) });
  return {
    title: share.title,
    description,
    robots: { index: false, follow: false },
    openGraph: { title: share.title, description, type: "article" },
  };
}

/** Public, read-only snapshot: no account needed, no composer, no owner email, no private conversation id. */
export default async function SharePage({ params }: Props) {
  const { id } = await params;
  const share = await getPublicShare(getDb(), { shareId: id });
  if (!share) notFound();
  const reader = await currentUser();
  // Public, but a signed-in account still on a temporary password chooses its own first, as on every page.
  if (reader?.mustChangePassword) redirect(newPasswordPage(`/share/${encodeURIComponent(id)}`));
  const signedIn = !!reader;
  // The reader's language (their account, cookie or browser), not the owner's.
  const t = await getTranslations("share");
  // In the reader's time zone too (the glm-tz cookie their browser set), as everywhere else in the app.
  const format = await getFormatter();
  const sharedAt = new Date(share.updatedAt);
  return (
    <>
      <DemoBanner reader />
      <main className="mx-auto max-w-3xl px-4 py-8">
        <header className="mb-6 border-b border-neutral-200 pb-4 dark:border-neutral-800">
          <p className="text-xs uppercase tracking-wide text-neutral-500 dark:text-neutral-400">{t("readOnly")}</p>
          <h1 lang={contentLang(share.title)} className="mt-1 wrap-anywhere text-2xl font-semibold tracking-tight">
            {share.title}
          </h1>
          <p className="mt-1 text-sm text-neutral-500 dark:text-neutral-400">
            {t.rich("sharedAt", {
              date: format.dateTime(sharedAt, { dateStyle: "medium", timeStyle: "short" }),
              time: (date) => <time dateTime={sharedAt.toISOString()}>{date}</time>,
            })}
          </p>
        </header>
        <div className="flex flex-col gap-6">
          {share.snapshot.messages.map((m, i) =>
            m.role === "user" ? (
              // biome-ignore lint/suspicious/noArrayIndexKey: a snapshot's messages never move
              <article key={i} aria-label={t("userMessage")} className="flex flex-col items-end gap-1">
                <span className="text-xs text-neutral-500 dark:text-neutral-400">{t("user")}</span>
                <SharedFiles files={m.attachments} />
                <div
                  lang={contentLang(m.content)}
                  className="max-w-[85%] whitespace-pre-wrap wrap-anywhere rounded-2xl bg-neutral-100 px-4 py-2 text-sm dark:bg-neutral-800"
                >
                  {m.content}
                </div>
              </article>
            ) : (
              // biome-ignore lint/suspicious/noArrayIndexKey: a snapshot's messages never move
              <article key={i} aria-label={t("assistantMessage")} className="space-y-1">
                <span className="text-xs font-medium text-neutral-700 dark:text-neutral-300">{m.model ?? "GLM-4"}</span>
                {m.reasoning ? <ReasoningFold text={m.reasoning} streaming={false} ms={m.reasoningMs} /> : null}
                <Markdown text={m.content} />
                {/* Through the same filter as the chat: only http(s) links, each site named. */}
                <SourceList sources={sourcePartsOf(m.sources).map(sourceOfPart)} />
                {m.status === "stopped" ? (
                  <span className="text-xs text-neutral-500 dark:text-neutral-400">{t("stoppedMark")}</span>
                ) : null}
              </article>
            ),
          )}
        </div>
        <footer className="mt-10 flex flex-wrap items-center gap-3 border-t border-neutral-200 pt-6 dark:border-neutral-800">
          <form action={continueShare}>
            <input type="hidden" name="shareId" value={share.id} />
            <Button type="submit">{signedIn ? t("continue") : t("signInToContinue")}</Button>
          </form>
          {signedIn ? null : (
            <span className="text-sm text-neutral-500 dark:text-neutral-400">
              {t("noAccount")}{" "}
              <Link href={`/register?next=${encodeURIComponent(`/share/${share.id}`)}`} className="underline">
                {t("createOne")}
              </Link>
            </span>
          )}
        </footer>
      </main>
    </>
  );
}
