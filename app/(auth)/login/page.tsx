import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AuthForm } from "@/components/auth/auth-form";
import { AccountDeletedNotice } from "@/components/settings/data-account-deleted";
import { currentUser } from "@/lib/auth/session";
import { login } from "../actions";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<{ next?: string; deleted?: string }>;
}) {
  if (await currentUser()) redirect("/");
  const { next, deleted } = await searchParams;
  return (
    <>
      <h1 className="mb-6 text-2xl font-semibold tracking-tight">Sign in to glm-chat</h1>
      {deleted ? <AccountDeletedNotice /> : null}
      <AuthForm mode="login" action={login} next={next} />
    </>
  );
}
