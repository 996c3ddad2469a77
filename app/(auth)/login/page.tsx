import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { LanguageSelect } from "@/components/i18n/language-select";
import { AuthForm } from "@/components/auth/auth-form";
import { AccountDeletedNotice } from "@/components/settings/data-account-deleted";
import { currentUser } from "@/lib/auth/session";
import { config } from "@/lib/config";
import { login } from "../actions";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("meta"))("signIn") };
}

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<{ next?: string; deleted?: string }>;
}) {
  if (await currentUser()) redirect("/");
  const { next, deleted } = await searchParams;
  const t = await getTranslations("auth");
  return (
    <>
      <h1 className="mb-6 text-2xl font-semibold tracking-tight">{t("signInHeading")}</h1>
      {deleted ? <AccountDeletedNotice /> : null}
      <AuthForm mode="login" action={login} next={next} signUpOpen={config().allowRegistration} />
      <LanguageSelect className="mt-8" />
    </>
  );
}
