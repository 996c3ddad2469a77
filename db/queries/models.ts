import "server-only";
import { asc, eq, notInArray, sql } from "drizzle-orm";
import { first, transaction, type Db } from "@/db";
import { engine } from "@/db/engine";
import type { ModelRow } from "@/db/schema";
import { models } from "@/db/tables";

/**
 * The model catalogue. Not owned by a user: every account reads it; writing is for admins (the actions in
 * app/settings/models check that) and for MODELS_FILE at start-up. Rows are disabled, never deleted.
 */
export type ModelFields = Omit<ModelRow, "key" | "position" | "createdAt" | "updatedAt">;

const keyOf = (name: string) => name.trim().toLowerCase();

export async function listModels(db: Db): Promise<ModelRow[]> {
  return db.select().from(models).orderBy(asc(models.position), asc(models.key));
}

/** A new installation's list (only when the table is empty, so it never undoes an admin's edits). */
export async function seedModels(db: Db, rows: ModelFields[]): Promise<void> {
  await transaction(db, async (tx) => {
    if (first(await tx.select({ key: models.key }).from(models).limit(1))) return;
    await tx
      .insert(models)
      .values(rows.map((m, position) => ({ ...m, key: keyOf(m.name), position })))
      .onConflictDoNothing();
  });
}

/**
 * MODELS_FILE at start-up: the file is the list. Its models are added or updated (in its order), any other
 * model is disabled. Several instances starting at once write the same rows, so they agree.
 */
export async function provisionModels(db: Db, rows: ModelFields[]): Promise<void> {
  const now = engine().nowMs;
  await transaction(db, async (tx) => {
    for (const [position, m] of rows.entries()) {
      const values = { ...m, position, updatedAt: now };
      await tx
        .insert(models)
        .values({ ...values, key: keyOf(m.name) })
        .onConflictDoUpdate({ target: models.key, set: values });
    }
    const keys = rows.map((m) => keyOf(m.name));
    await tx.update(models).set({ enabled: false, updatedAt: now }).where(notInArray(models.key, keys));
  });
}

/** Adds a model at the end of the list; false when one of that name (any case) exists. */
export async function addModel(db: Db, fields: ModelFields): Promise<boolean> {
  const key = keyOf(fields.name);
  const next = sql<number>`(select coalesce(max(${models.position}), -1) + 1 from ${models})`;
  const rows = await db
    .insert(models)
    .values({ ...fields, key, position: next })
    .onConflictDoNothing()
    .returning({ key: models.key });
  return rows.length > 0;
}

/**
 * Edits a model, found by its current name. Renaming to a name another model has is refused ("taken");
 * the key follows the name, so the model stays findable by what clients send.
 */
export async function updateModel(
  db: Db,
  { name, fields }: { name: string; fields: Omit<ModelFields, "enabled"> },
): Promise<"updated" | "missing" | "taken"> {
  const key = keyOf(name);
  const newKey = keyOf(fields.name);
  return transaction(db, async (tx) => {
    if (!first(await tx.select({ key: models.key }).from(models).where(eq(models.key, key)))) return "missing";
    if (newKey !== key && first(await tx.select({ key: models.key }).from(models).where(eq(models.key, newKey))))
      return "taken";
    await tx
      .update(models)
      .set({ ...fields, key: newKey, updatedAt: engine().nowMs })
      .where(eq(models.key, key));
    return "updated";
  });
}

/** Enables or disables a model; refuses to disable the last enabled one (the picker would be empty). */
export async function setModelEnabled(
  db: Db,
  { name, enabled }: { name: string; enabled: boolean },
): Promise<"done" | "missing" | "last"> {
  const key = keyOf(name);
  return transaction(db, async (tx) => {
    if (!enabled) {
      const on = await tx.select({ key: models.key }).from(models).where(eq(models.enabled, true));
      if (on.length === 1 && on[0].key === key) return "last";
    }
    const rows = await tx
      .update(models)
      .set({ enabled, updatedAt: engine().nowMs })
      .where(eq(models.key, key))
      .returning({ key: models.key });
    return rows.length ? "done" : "missing";
  });
}
