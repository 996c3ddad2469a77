"use server";

import { z } from "zod";
import { getDb } from "@/db";
import { keyOwner } from "@/db/queries/keys";
import { userAction } from "@/lib/actions";
import { AppError } from "@/lib/errors";
import { isAdmin } from "@/lib/auth/admin";
import { createApiKey, keyRevocableBy, keysShownTo, revokeApiKey } from "@/lib/auth/api-keys";

/**
 * The same key service as `npm run keys`: one code path for creating, listing and revoking. Admins see and
 * revoke everyone's keys but another admin's (the rule Settings → Users follows for accounts: admins do not
 * act on each other); the operator's CLI can revoke any.
 */

export const createKeyAction = userAction(
  z.object({
    name: z.string().trim().min(1, "Give the key a name.").max(80, "Keep key names under 80 characters."),
    expiresInDays: z.number().int().min(1).max(3650).nullish(),
  }),
  async ({ name, expiresInDays }, user) => {
    const { key, row } = await createApiKey({
      userId: user.id,
      name,
      expiresAt: expiresInDays ? Date.now() + expiresInDays * 86_400_000 : null,
    });
    return { key, id: row.id, prefix: row.prefix };
  },
);

export const listKeysAction = userAction(z.object({}), async (_input, user) => keysShownTo(user));

export const revokeKeyAction = userAction(z.object({ id: z.string().uuid("Unknown key.") }), async ({ id }, user) => {
  const admin = await isAdmin(user);
  if (admin) {
    const owner = await keyOwner(getDb(), { keyId: id });
    if (owner && !(await keyRevocableBy(owner, user)))
      throw new AppError("forbidden", "Another admin's keys cannot be revoked here.");
  }
  const { revoked } = await revokeApiKey(admin ? "admin" : { userId: user.id }, id);
  if (!revoked.length) throw new AppError("not_found", "No active key with this id is yours to revoke.");
  return { id };
});
