import "server-only";
import type { z } from "zod";
import type { User } from "@/db/schema";
import { isAdmin } from "@/lib/auth/admin";
import { AppError } from "@/lib/errors";
import { currentUser } from "@/lib/auth/session";
import { CHOOSE_PASSWORD_FIRST, mustChangePassword } from "@/lib/auth/temporary-password";
import { readerError } from "@/lib/i18n/errors";

export type ActionResult<T> = { ok: true; data: T } | { ok: false; error: string };

export interface ActionOptions {
  /**
   * Open to an account still on a temporary password (lib/auth/temporary-password.ts): changing the password,
   * signing out. Every other action refuses it until its owner has chosen their own.
   */
  beforeNewPassword?: boolean;
}

/**
 * The one wrapper for every server action: session → zod parse → handler → a readable error (an AppError's
 * message; anything else is logged and answered generically). A server
 * action is a public endpoint, so nothing reaches a handler without a signed-in user and parsed input.
 */
export function userAction<S extends z.ZodType, T>(
  schema: S,
  handler: (input: z.output<S>, user: User) => T | Promise<T>,
  options: ActionOptions = {},
): (input: z.input<S>) => Promise<ActionResult<T>> {
  return async (input) => {
    const user = await currentUser();
    // Errors read in the reader's language (lib/i18n/errors.ts); the English is the catalogue's key.
    if (!user) return { ok: false, error: await readerError("Your session has ended. Sign in again.") };
    if (mustChangePassword(user) && !options.beforeNewPassword)
      return { ok: false, error: await readerError(CHOOSE_PASSWORD_FIRST) };
    const parsed = schema.safeParse(input);
    if (!parsed.success)
      return { ok: false, error: await readerError(parsed.error.issues[0]?.message ?? "Invalid input.") };
    try {
      return { ok: true, data: await handler(parsed.data, user) };
    } catch (err) {
      if (err instanceof AppError) return { ok: false, error: await readerError(err.message, err.i18n) };
      console.error("[action] failed", err);
      return { ok: false, error: await readerError("Something went wrong. Please try again.") };
    }
  };
}

/**
 * userAction for what only admins may do (everyone's usage, anyone's keys): the admin check comes before the
 * handler, which then calls the named *AsAdmin queries; nobody else reaches them.
 */
export function adminAction<S extends z.ZodType, T>(
  schema: S,
  handler: (input: z.output<S>, user: User) => T | Promise<T>,
): (input: z.input<S>) => Promise<ActionResult<T>> {
  return userAction(schema, async (input, user) => {
    if (!(await isAdmin(user))) throw new AppError("forbidden", "Only admins can do this.");
    return handler(input, user);
  });
}
