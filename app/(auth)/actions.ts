"use server";

import { AuthError } from "next-auth";
import { redirect } from "next/navigation";
import { z } from "zod";
import { createUser, findUserByEmail } from "@/db/queries/users";
import { signIn, signOut } from "@/lib/auth/auth";
import { hashPassword, passwordProblem } from "@/lib/auth/password";
import { config } from "@/lib/config";

export interface AuthFormState {
  error?: string;
  email?: string;
}

const Credentials = z.object({
  email: z.string().trim().toLowerCase().max(320).regex(/^[^@\s]+@[^@\s]+$/, "Enter a valid email address."),
  password: z.string().max(200, "Use at most 200 characters."),
});

/** Only same-site paths: a `next` that points elsewhere is ignored. */
function safeNext(next: FormDataEntryValue | null): string {
  const path = typeof next === "string" ? next : "";
  return path.startsWith("/") && !path.startsWith("//") && !path.startsWith("/\\") ? path : "/";
}

async function startSession(email: string, password: string): Promise<boolean> {
  try {
    // redirect: false, then our own relative redirect: the browser stays on the host it typed.
    await signIn("credentials", { email, password, redirect: false });
    return true;
  } catch (err) {
    if (err instanceof AuthError) return false;
    throw err;
  }
}

export async function login(_prev: AuthFormState, form: FormData): Promise<AuthFormState> {
  const parsed = Credentials.safeParse({ email: form.get("email"), password: form.get("password") });
  const email = String(form.get("email") ?? "");
  if (!parsed.success) return { error: "Wrong email or password.", email };
  if (!(await startSession(parsed.data.email, parsed.data.password))) return { error: "Wrong email or password.", email };
  redirect(safeNext(form.get("next")));
}

export async function register(_prev: AuthFormState, form: FormData): Promise<AuthFormState> {
  const email = String(form.get("email") ?? "");
  if (!config().allowRegistration) return { error: "Sign-up is closed on this server. Ask its operator for an account.", email };
  const parsed = Credentials.safeParse({ email: form.get("email"), password: form.get("password") });
  if (!parsed.success) return { error: parsed.error.issues[0].message, email };
  const weak = passwordProblem(parsed.data.password, parsed.data.email);
  if (weak) return { error: `Password too weak: ${weak}`, email };
  if (findUserByEmail(parsed.data.email)) return { error: "An account with this email already exists. Sign in instead.", email };
  try {
    createUser(parsed.data.email, await hashPassword(parsed.data.password));
  } catch {
    return { error: "An account with this email already exists. Sign in instead.", email };
  }
  await startSession(parsed.data.email, parsed.data.password);
  redirect("/");
}

export async function logout(): Promise<void> {
  await signOut({ redirect: false });
  redirect("/login");
}
