/** The account shapes Settings → Users shows (type-only: components never import from db/). */
import type { UserListing } from "@/db/queries/users";

/** A listed account, `admin` already including ADMIN_EMAILS. */
export type UserRow = UserListing;
