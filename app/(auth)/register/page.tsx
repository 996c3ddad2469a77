import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AuthForm } from "@/components/auth/auth-form";
import { currentUser } from "@/lib/auth/session";
import { config } from "@/lib/config";
import { register } from "../actions";

export const metadata: Metadata = { title: "Create account" };

export default async function RegisterPage() {
  if (await currentUser()) redirect("/");
  return (
    <>
      <h1 className="mb-6 text-2xl font-semibold tracking-tight">Create your account</h1>
      {config().allowRegistration ? (
        <AuthForm mode="register" action={register} />
      ) : (
        <p role="alert">Sign-up is closed on this server. Ask its operator for an account.</p>
      )}
    </>
  );
}
