"use server";

import { z } from "zod";
import { getDb } from "@/db";
import * as R from "@/db/queries/usage-report";
import { userAction, UserFacingError } from "@/lib/actions";
import { isAdmin } from "@/lib/auth/admin";
import { MODELS } from "@/lib/models";

const PAGE_SIZE = 25;
/** The model names the charts show as they are; anything else a client sent is "unknown model". */
const KNOWN_MODELS = MODELS.map((m) => m.id);

export const usageReportAction = userAction(z.object({
  days: z.union([z.literal(7), z.literal(30), z.literal(90)]),
  offsetMinutes: z.number().int().min(-14 * 60).max(14 * 60),
  everyone: z.boolean().default(false),
}), async ({ days, offsetMinutes, everyone }, user) => {
  if (everyone && !(await isAdmin(user))) throw new UserFacingError("Only admins can see everyone's usage.");
  const db = getDb();
  const o = { range: R.lastDays(days, offsetMinutes), knownModels: KNOWN_MODELS };
  const [daily, byModel, byKey] = await Promise.all(everyone
    ? [R.dailyUsageAsAdmin(db, o), R.usageByModelAsAdmin(db, o), R.usageByKeyAsAdmin(db, o)]
    : [R.dailyUsage(db, { ...o, userId: user.id }), R.usageByModel(db, { ...o, userId: user.id }),
      R.usageByKey(db, { ...o, userId: user.id })]);
  return { days: o.range.days, daily, byModel, byKey };
});

export const recentRequestsAction = userAction(z.object({
  page: z.number().int().min(0).max(10_000),
  everyone: z.boolean().default(false),
}), async ({ page, everyone }, user) => {
  if (everyone && !(await isAdmin(user))) throw new UserFacingError("Only admins can see everyone's usage.");
  const db = getDb();
  const recent = everyone
    ? await R.recentRequestsAsAdmin(db, { page, size: PAGE_SIZE })
    : await R.recentRequests(db, { userId: user.id, page, size: PAGE_SIZE });
  return { ...recent, page };
});
