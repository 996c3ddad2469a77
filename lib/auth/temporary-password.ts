import type { User } from "@/db/schema";

/**
 * An account whose password someone else set (an admin's Add user or Reset password, `npm run users`) carries
 * `mustChangePassword` until its owner chooses their own: whoever set it knows it. Until then the app offers
 * only that page and signing out. Pages are sent there (lib/auth/session.ts requireUser); server actions
 * (lib/actions.ts) and the browser's routes (lib/chat/door.ts, node-door.ts, lib/attachments/door.ts) are
 * refused with CHOOSE_PASSWORD_FIRST. The flag rides on the session's own lookup, so this costs no query.
 * `/v1` is not concerned: an API key is a credential of its own, which the temporary password cannot make.
 */

/** The page where a marked account chooses its password. */
export const NEW_PASSWORD_PATH = "/change-password";

/** The refusal, in English as thrown (the catalogue's errors.choosePasswordFirst translates it). */
export const CHOOSE_PASSWORD_FIRST =
  "Choose a new password first: this account still has the temporary password someone else set for it.";

export const mustChangePassword = (user: Pick<User, "mustChangePassword">) => user.mustChangePassword;

/** The page to send a marked account to, coming back to `page` (the one it asked for) afterwards. */
export function newPasswordPage(page: string | null): string {
  return page && page !== "/" && !page.startsWith(NEW_PASSWORD_PATH)
    ? `${NEW_PASSWORD_PATH}?next=${encodeURIComponent(page)}`
    : NEW_PASSWORD_PATH;
}
