"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";
import { useActionState } from "react";
import type { AuthFormState } from "@/app/(auth)/actions";
import { Button } from "@/components/ui/button";
import { Input, Label } from "@/components/ui/input";

/** The other form's link keeps where the person was going (the action checks `next` before using it). */
const withNext = (page: string, next: string | undefined) => (next ? `${page}?next=${encodeURIComponent(next)}` : page);

/** The sign-in and sign-up form: same fields, different action and wording. */
export function AuthForm({
  mode,
  action,
  next,
  signUpOpen = true,
}: {
  mode: "login" | "register";
  action: (prev: AuthFormState, form: FormData) => Promise<AuthFormState>;
  next?: string;
  /** ALLOW_REGISTRATION: with sign-up closed, the sign-in form offers no link to a page that would refuse. */
  signUpOpen?: boolean;
}) {
  const [state, formAction, pending] = useActionState(action, {});
  const isLogin = mode === "login";
  const t = useTranslations("auth");
  return (
    <form action={formAction} className="space-y-4" noValidate>
      {next ? <input type="hidden" name="next" value={next} /> : null}
      <div>
        <Label htmlFor="email">{t("email")}</Label>
        <Input
          id="email"
          name="email"
          type="email"
          autoComplete="email"
          required
          defaultValue={state.email}
          autoFocus
        />
      </div>
      <div>
        <Label htmlFor="password">{t("password")}</Label>
        <Input
          id="password"
          name="password"
          type="password"
          required
          autoComplete={isLogin ? "current-password" : "new-password"}
          aria-describedby={isLogin ? undefined : "password-hint"}
        />
        {isLogin ? null : (
          <p id="password-hint" className="mt-1 text-xs text-neutral-500 dark:text-neutral-400">
            {t("passwordHint")}
          </p>
        )}
      </div>
      {state.error ? (
        <p
          role="alert"
          className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-950 dark:text-red-200"
        >
          {state.error}
        </p>
      ) : null}
      <Button type="submit" className="w-full justify-center" busy={pending}>
        {isLogin ? t("signIn") : t("createAccount")}
      </Button>
      <p className="text-center text-sm text-neutral-600 dark:text-neutral-400">
        {isLogin && !signUpOpen ? null : isLogin ? (
          <>
            {t("noAccount")}{" "}
            <Link className="underline" href={withNext("/register", next)}>
              {t("createOne")}
            </Link>
          </>
        ) : (
          <>
            {t("haveAccount")}{" "}
            <Link className="underline" href={withNext("/login", next)}>
              {t("signIn")}
            </Link>
          </>
        )}
      </p>
    </form>
  );
}
