import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { LanguageSelect } from "@/components/i18n/language-select";
import { AuthForm } from "@/components/auth/auth-form";
import { currentUser } from "@/lib/auth/session";
import { config } from "@/lib/config";
import { register } from "../actions";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("meta"))("createAccount") };
}

export default async function RegisterPage() {
  if (await currentUser()) redirect("/");
  const t = await getTranslations("auth");
  return (
    <>
      <h1 className="mb-6 text-2xl font-semibold tracking-tight">{t("registerHeading")}</h1>
      {config().allowRegistration ? (
        <AuthForm mode="register" action={register} />
      ) : (
        <p role="alert">{t("signUpClosed")}</p>
      )}
      <LanguageSelect className="mt-8" />
    </>
  );
}
