import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { getDb } from "@/db";
import { someoneCanSignIn } from "@/db/queries/users";
import { LanguageSelect } from "@/components/i18n/language-select";
import { AuthForm } from "@/components/auth/auth-form";
import { currentUser } from "@/lib/auth/session";
import { config } from "@/lib/config";
import { register } from "../actions";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("meta"))("createAccount") };
}

export default async function RegisterPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  if (await currentUser()) redirect("/");
  const { next } = await searchParams;
  const t = await getTranslations("auth");
  return (
    <>
      <h1 className="mb-6 text-2xl font-semibold tracking-tight">{t("registerHeading")}</h1>
      {config().allowRegistration ? (
        <AuthForm mode="register" action={register} next={next} />
      ) : (
        // With no account that can sign in, nobody can add one from the browser: say how the first is made.
        <p role="alert">
          {(await someoneCanSignIn(getDb()))
            ? t("signUpClosed")
            : t.rich("noAccountsYet", {
                code: (command) => (
                  <code className="rounded bg-neutral-100 px-1 font-mono text-sm dark:bg-neutral-800">{command}</code>
                ),
              })}
        </p>
      )}
      <LanguageSelect className="mt-8" />
    </>
  );
}
